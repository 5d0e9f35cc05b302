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
    override public var configuration: String { "CBAM(\(channels),r\(reduction),k\(spatialKernel))" }
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
        spatial = Conv2D(1, kernel: spatialKernel, padding: .same, useBias: false, name: part("_spatial_conv"))
        super.init(name: name)
    }

    override public func forward(_ x: Tensor) -> Tensor { attention(x).output }

    /// The two gates and the output for input `x` [N, H, W, C]: the channel gate Mc
    /// [N, 1, 1, C], the spatial gate Ms [N, H, W, 1] (what the block looks at) and F″.
    public func attention(_ x: Tensor) -> (channelGate: Tensor, spatialGate: Tensor, output: Tensor) {
        check(x.rank == 4 && x.shape[3] == channels,
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

/// The report's attention CNN: stages of two 3x3 conv–BN–ReLU, a CBAM block and 2x2 max
/// pooling; then the head (global average pooling, Dense(128, ReLU), optional Dropout, softmax),
/// as the report describes it (no dropout by default).
public func AttentionCNN(classes: Int = 7, filters: [Int] = [32, 64, 128], dense: Int = 128,
                         dropout: Float = 0, inputShape: [Int] = [48, 48, 1], seed: UInt64 = 0) -> Sequential {
    let model = Sequential(name: "attention_cnn") {
        for (i, f) in filters.enumerated() {
            Conv2D(f, kernel: 3, padding: .same, useBias: false, name: "stage\(i + 1)_conv1")
            BatchNorm(name: "stage\(i + 1)_bn1")
            ReLU(name: "stage\(i + 1)_relu1")
            Conv2D(f, kernel: 3, padding: .same, useBias: false, name: "stage\(i + 1)_conv2")
            BatchNorm(name: "stage\(i + 1)_bn2")
            ReLU(name: "stage\(i + 1)_relu2")
            CBAM(channels: f, name: "stage\(i + 1)_cbam")
            MaxPool2D(2, name: "stage\(i + 1)_pool")
        }
        GlobalAveragePooling(name: "gap")
        Dense(dense, activation: .relu, name: "fc")
        if dropout > 0 { Dropout(dropout, name: "fc_dropout") }
        Dense(classes, activation: .softmax, name: "predictions")
    }
    model.build(inputShape: inputShape, seed: seed)
    return model
}

/// The classification heads the report put on its bases.
public enum ReportHead {
    /// ResNet50: GAP → Dense(1024, ReLU) → Dropout(0.5) → Dense(classes, softmax).
    public static func resnet50(classes: Int = 7) -> [Layer] {
        [GlobalAveragePooling(name: "head_gap"), Dense(1024, activation: .relu, name: "head_dense"),
         Dropout(0.5, name: "head_dropout"), Dense(classes, activation: .softmax, name: "head_predictions")]
    }
    /// MobileNetV2: GAP → Dropout(0.5) → Dense(128, ReLU) → Dropout(0.5) → Dense(classes, softmax).
    public static func mobileNetV2(classes: Int = 7) -> [Layer] {
        [GlobalAveragePooling(name: "head_gap"), Dropout(0.5, name: "head_dropout_1"),
         Dense(128, activation: .relu, name: "head_dense"), Dropout(0.5, name: "head_dropout_2"),
         Dense(classes, activation: .softmax, name: "head_predictions")]
    }
    /// Attention CNN: GAP → Dense(128, ReLU) → Dense(classes, softmax).
    public static func attentionCNN(classes: Int = 7) -> [Layer] {
        [GlobalAveragePooling(name: "head_gap"), Dense(128, activation: .relu, name: "head_dense"),
         Dense(classes, activation: .softmax, name: "head_predictions")]
    }
}
