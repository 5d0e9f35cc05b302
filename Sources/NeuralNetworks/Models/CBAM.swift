import Tensors
import Preconditions

/// Convolutional Block Attention Module (Woo et al., ECCV 2018, arXiv:1807.06521):
/// channel attention, then spatial attention, each a sigmoid gate multiplied in.
///
/// - Channel: Mc = σ(MLP(avgpool F) + MLP(maxpool F)), one MLP C → C/r → C (ReLU hidden,
///   with bias) shared by both descriptors; F′ = Mc ⊗ F.
/// - Spatial: Ms = σ(conv7x7([mean_c F′; max_c F′])), one output channel, "same" padding,
///   no bias; F″ = Ms ⊗ F′. (The authors' code also puts a BN after that conv; we
///   follow the paper's equation.)
public final class CBAM: BaseLayer {
    public let reduction: Int
    public let spatialKernel: Int
    private let hidden: Dense
    private let outer: Dense
    private let spatial: Conv2D
    private var channelsSeen: Int?
    override public var sublayers: [Layer] { [hidden, outer, spatial] }
    override public var kerasClass: String { "CBAM" }
    override public var configuration: String {
        "CBAM(\(channels),r\(reduction),k\(spatialKernel))"
    }
    public let channels: Int

    /// `channels` is the input's channel count (the MLP's width).
    public init(channels: Int, reduction: Int = 16, spatialKernel: Int = 7, name: String = "") {
        check(channels >= 1 && reduction >= 1, "CBAM '\(name)': channels and reduction must be ≥ 1")
        self.channels = channels
        self.reduction = reduction
        self.spatialKernel = spatialKernel
        // Unnamed CBAMs leave their parts unnamed too, so the model names them uniquely.
        func part(_ suffix: String) -> String { name.isEmpty ? "" : name + suffix }
        hidden = Dense(max(1, channels / reduction), activation: .relu, name: part("_mlp_1"))
        outer = Dense(channels, name: part("_mlp_2"))
        spatial = Conv2D(
            1, kernel: spatialKernel, padding: .same, useBias: false, name: part("_spatial_conv"))
        super.init(name: name)
    }

    override public func forward(_ x: Tensor) -> Tensor { attention(x).output }

    /// The two gates and the output for input `x` [N, H, W, C]: the channel gate Mc
    /// [N, 1, 1, C], the spatial gate Ms [N, H, W, 1] (what the block looks at) and F″.
    public func attention(_ x: Tensor) -> (channelGate: Tensor, spatialGate: Tensor, output: Tensor)
    {
        check(
            x.rank == 4 && x.shape[3] == channels,
            "CBAM '\(name)' was made for \(channels) channels, got input \(x.shape)")
        let n = x.shape[0]
        // Channel attention: [N, C] descriptors through the shared MLP.
        let avg = globalAvgPool2d(x), mx = globalMaxPool2d(x)
        let gate = sigmoid(outer(hidden(avg)) + outer(hidden(mx))).reshaped(to: [n, 1, 1, channels])
        let f1 = scaleChannels(x, by: gate)
        // Spatial attention over [N, H, W, 2] = [mean over C; max over C].
        let maps = channelMeanAndMax(f1)
        let spatialGate = sigmoid(spatial(maps))
        return (gate, spatialGate, scalePixels(f1, by: spatialGate))
    }
}
