import Foundation
import MessagePassing
import Tensors

/// How `fit`, `evaluate` and `predict` share their work among the ranks of a
/// ``Communicator`` (the processes `emotive render --ranks N` starts with `mpirun`).
///
/// With one rank nothing changes. With N ranks every rank runs the same program on the
/// same data: each global batch of B samples (the same batches, in the same order, as a
/// single-process run with the same seed) is split into N contiguous shards; each rank
/// computes its shard's loss scaled by its share of the batch, so the gradients summed
/// over ranks are those of the global batch's mean loss; the sums run in buckets started
/// as soon as a bucket's gradients are ready, while the backward pass goes on; and every
/// rank applies the same optimizer step, so the weights stay identical.
public struct DataParallel: Sendable {
    /// Where batch norm takes its batch statistics from in training.
    public enum BatchNormStatistics: String, Sendable, Codable {
        /// Each rank normalises its shard with the shard's statistics (PyTorch DDP's default).
        case perRank
        /// The statistics (and their gradients) of the global batch, summed across ranks
        /// (PyTorch's SyncBatchNorm): the same numbers as one process, at two small
        /// allreduces per batch-norm layer each way.
        case synchronized
    }

    public var communicator: Communicator
    public var batchNorm: BatchNormStatistics
    /// Gradients are summed across ranks in buckets of about this many bytes.
    public var bucketBytes: Int
    /// Where `fit` adds up how long its steps waited for communication (benchmarks).
    public var statistics: CommunicationStatistics?

    public init(
        communicator: Communicator = .world, batchNorm: BatchNormStatistics = .perRank,
        bucketBytes: Int = 4 << 20, statistics: CommunicationStatistics? = nil
    ) {
        self.communicator = communicator
        self.batchNorm = batchNorm
        self.bucketBytes = bucketBytes
        self.statistics = statistics
    }

    /// Every rank of this process's world, per-rank batch-norm statistics.
    public static var automatic: DataParallel { DataParallel() }

    var isActive: Bool { communicator.size > 1 }

    /// What changes the numbers of a training, for cache keys (empty with one rank, so
    /// single-process keys are those of before data-parallel training existed).
    /// `dropout=batchRows`: each rank draws its rows of the whole batch's dropout mask
    /// (before, each rank drew its own masks; their cache entries must not be reused).
    var identity: String {
        isActive
            ? "ranks=\(communicator.size),batchNorm=\(batchNorm.rawValue),dropout=batchRows" : ""
    }

    /// This rank's share of `count` items: contiguous, sizes differing by at most one (empty
    /// for some ranks when `count` is smaller than the rank count).
    func shard(of count: Int) -> Range<Int> {
        Self.share(of: count, rank: communicator.rank, ranks: communicator.size)
    }

    static func share(of count: Int, rank: Int, ranks: Int) -> Range<Int> {
        (rank * count / ranks)..<((rank + 1) * count / ranks)
    }

    /// This rank's rows of a training batch of `count`: its share, or the whole batch when
    /// the batch is smaller than the rank count (a dataset's last batch): every rank must
    /// run every step, as synchronized batch norm sums across all of them, and an empty
    /// share cannot run a model.
    func trainingRows(of count: Int) -> Range<Int> { trainingRows(0, count) }

    /// ``trainingRows(of:)`` as a batch source takes it.
    var trainingRows: @Sendable (_ batch: Int, _ count: Int) -> Range<Int> {
        let rank = communicator.rank, ranks = communicator.size
        return { _, count in
            count < ranks ? 0..<count : DataParallel.share(of: count, rank: rank, ranks: ranks)
        }
    }

    /// The batches `evaluate` and `predict` run on this rank: all of them with one rank,
    /// else this rank's contiguous share of them, whole (the others are not prepared).
    func evaluationBatches(of data: any BatchSource, batchSize: Int) -> AnySequence<Batch> {
        guard isActive else {
            return data.batches(epoch: 0, batchSize: batchSize, shuffle: false, seed: 0)
        }
        let mine = shard(of: data.stepCount(batchSize: batchSize))
        return data.batches(
            epoch: 0, batchSize: batchSize, shuffle: false, seed: 0,
            rows: { b, count in mine.contains(b) ? 0..<count : 0..<0 })
    }

    /// Where this rank's samples start in data order when every rank holds `count` samples
    /// of a contiguous share, in rank order (a sum of the ranks' counts before this one).
    func firstSample(holding count: Int) -> Int {
        var counts = [Double](repeating: 0, count: communicator.size)
        counts[communicator.rank] = Double(count)
        communicator.allreduceSum(&counts)
        return Int(counts[..<communicator.rank].reduce(0, +))
    }
}

/// What the data-parallel steps of `fit` spent on communication.
public final class CommunicationStatistics: @unchecked Sendable {
    // @unchecked: written by the one thread running a training step.
    /// Steps taken.
    public internal(set) var steps = 0
    /// Seconds spent after backward waiting for gradient sums to arrive: the part of the
    /// communication that did not overlap computation.
    public internal(set) var waitSeconds = 0.0
    /// Bytes of gradient summed per step.
    public internal(set) var gradientBytes = 0

    public init() {}
}

/// The gradients of one data-parallel step, summed across ranks in buckets.
///
/// Buckets follow the order in which gradients became ready in the first step (the
/// reverse of the forward order, as a rule); a bucket's allreduce starts the moment its
/// last gradient is complete and MPI is given a chance to progress after every pullback.
/// After backward, ``finish()`` waits for the buckets and puts the sums back into the
/// parameters' gradients. Parameters that received no gradient on this step keep none
/// (every rank runs the same graph, so the same ones).
final class GradientBuckets: BackwardObserver, @unchecked Sendable {
    // @unchecked: used by the one thread running a training step.
    private struct Slot {
        let parameter: Parameter
        let offset: Int
        let count: Int
        let bucket: Int
    }

    private let communicator: Communicator
    private let bucketBytes: Int
    private var slots: [ObjectIdentifier: Slot] = [:]
    private var bucketRanges: [Range<Int>] = []
    private var bucketSlotCount: [Int] = []
    /// The flat gradient buffer that nonblocking allreduces work on (manually allocated:
    /// its address must not move while a request is in flight).
    private var buffer = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    // Per step.
    private var pending: [Int] = []
    private var requests: [Communicator.Request?] = []
    private var ready: [ObjectIdentifier: Bool] = [:]
    private var readyOrder: [Parameter] = []
    private var scale: Float = 1
    /// False until the first step has shown the order in which gradients arrive.
    private var planned = false
    /// Time spent waiting for communication after backward (the part that did not overlap).
    private(set) var waitSeconds = 0.0

    init(communicator: Communicator, bucketBytes: Int) {
        self.communicator = communicator
        self.bucketBytes = max(4, bucketBytes)
    }

    deinit { buffer.deallocate() }

    /// Bytes summed per step.
    var bytes: Int { buffer.count * MemoryLayout<Float>.size }

    /// Starts a step: gradients arriving from now on are multiplied by `scale` (this
    /// rank's share of the global batch) before they are summed.
    func begin(scale: Float) {
        self.scale = scale
        ready.removeAll(keepingCapacity: true)
        readyOrder.removeAll(keepingCapacity: true)
        pending = bucketSlotCount
        requests = Array(repeating: nil, count: bucketRanges.count)
    }

    func gradientReady(_ parameter: Parameter) {
        let id = ObjectIdentifier(parameter)
        guard ready[id] == nil else { return }
        ready[id] = true
        readyOrder.append(parameter)
        guard planned, let slot = slots[id], let gradient = parameter.gradient else { return }
        copyIn(gradient, at: slot.offset)
        pending[slot.bucket] -= 1
        if pending[slot.bucket] == 0 { start(slot.bucket) }
    }

    func pullbackDone() {
        guard planned else { return }
        for request in requests { request?.test() }
    }

    /// Waits for every bucket and writes the summed gradients back. In the first step, or
    /// if a parameter the buckets were not planned for got a gradient, the buckets are
    /// (re)planned from this step's order and summed in one synchronous pass.
    func finish() {
        if !planned || readyOrder.contains(where: { slots[ObjectIdentifier($0)] == nil }) {
            plan(order: readyOrder)
            for p in readyOrder {
                let slot = slots[ObjectIdentifier(p)]!
                copyIn(p.gradient!, at: slot.offset)
            }
            let started = Date()
            communicator.allreduceSum(buffer)
            waitSeconds += Date().timeIntervalSince(started)
            copyOut(readyOrder)
            return
        }
        // Buckets whose gradients never all arrived (a parameter unused this step): zero
        // what is missing and start them now, on every rank alike.
        for b in bucketRanges.indices where requests[b] == nil {
            for slot in slots.values
            where slot.bucket == b && ready[ObjectIdentifier(slot.parameter)] == nil {
                for i in slot.offset..<(slot.offset + slot.count) { buffer[i] = 0 }
            }
            start(b)
        }
        let started = Date()
        for request in requests { request?.wait() }
        waitSeconds += Date().timeIntervalSince(started)
        copyOut(readyOrder)
    }

    private func plan(order: [Parameter]) {
        slots.removeAll()
        bucketRanges.removeAll()
        bucketSlotCount.removeAll()
        let limit = bucketBytes / MemoryLayout<Float>.size
        var offset = 0, bucketStart = 0, inBucket = 0
        for p in order {
            let n = p.shape.reduce(1, *)
            if inBucket > 0 && offset - bucketStart + n > limit {
                bucketRanges.append(bucketStart..<offset)
                bucketSlotCount.append(inBucket)
                bucketStart = offset
                inBucket = 0
            }
            slots[ObjectIdentifier(p)] = Slot(
                parameter: p, offset: offset, count: n, bucket: bucketRanges.count)
            offset += n
            inBucket += 1
        }
        if inBucket > 0 {
            bucketRanges.append(bucketStart..<offset)
            bucketSlotCount.append(inBucket)
        }
        buffer.deallocate()
        buffer = .allocate(capacity: offset)
        buffer.initialize(repeating: 0)
        planned = true
    }

    private func copyIn(_ gradient: Tensor, at offset: Int) {
        let s = scale
        let b = buffer
        gradient.scalars.withUnsafeBufferPointer { g in
            for i in 0..<g.count { b[offset + i] = g[i] * s }
        }
    }

    private func start(_ bucket: Int) {
        let range = bucketRanges[bucket]
        requests[bucket] = communicator.startAllreduceSum(
            UnsafeMutableBufferPointer(rebasing: buffer[range]))
    }

    private func copyOut(_ parameters: [Parameter]) {
        for p in parameters {
            let slot = slots[ObjectIdentifier(p)]!
            p.gradient = Tensor(
                shape: p.shape, scalars: Array(buffer[slot.offset..<(slot.offset + slot.count)]))
        }
    }
}

extension Communicator {
    /// Rank 0's copy of a file on every rank: rank 0 sends the bytes at `url` (nil: it has
    /// none to send), the others write them to `destination`. True when there was a file.
    func shareFile(_ url: URL?, to destination: URL) -> Bool {
        var bytes: [UInt8] = []
        var present = [0.0]
        if isRoot, let url, let data = try? Data(contentsOf: url) {
            bytes = [UInt8](data)
            present[0] = 1
        }
        broadcast(&present)
        guard present[0] == 1 else { return false }
        broadcast(&bytes)
        if !isRoot {
            try? FileManager.default.createDirectory(
                at: destination.deletingLastPathComponent(),
                withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: destination.path, contents: Data(bytes))
            else { return false }
        }
        return true
    }
}

extension Layer {
    /// Rank 0's weights on every rank: all of them, or (`stateOnly`) those no optimizer
    /// updates, such as batch norm's moving statistics.
    func broadcastWeights(_ communicator: Communicator, stateOnly: Bool = false) {
        guard communicator.size > 1 else { return }
        let parameters = namedWeights.filter { !stateOnly || $0.weight.isState }.map(
            \.weight.parameter)
        var flat = parameters.flatMap { $0.value.scalars }
        communicator.broadcast(&flat)
        var offset = 0
        for p in parameters {
            let n = p.shape.reduce(1, *)
            p.value = Tensor(shape: p.shape, scalars: Array(flat[offset..<(offset + n)]))
            offset += n
        }
    }
}

/// Synchronized batch norm's sums go through the run's communicator.
extension Communicator: ReplicaReducer {
    public func sum(_ values: inout [Double]) { allreduceSum(&values) }
}
