import Foundation
import _CMPI

/// The processes of one data-parallel run and the collective operations between them,
/// over Open MPI.
///
/// ```swift
/// let world = Communicator.world      // rank 0 of 1 outside mpirun
/// var gradient: [Float] = …
/// world.allreduceSum(&gradient)       // every rank now holds the sum
/// ```
///
/// A program started by `mpirun -np N` (N > 1) initialises MPI the first time `world` is
/// read (`MPI_Init_thread`, funnelled: only the thread that reads `world` first may
/// communicate) and finalises it at exit. Started any other way, `world` is a single rank
/// and no MPI function is ever called, so single-process use needs no MPI set-up.
///
/// Errors: MPI's default handler is kept, so a failed collective (a peer that died, a
/// broken link) ends the process, and `mpirun` then ends every rank and names the one
/// that failed; nothing waits forever on a dead peer.
public final class Communicator: @unchecked Sendable {
    // @unchecked: immutable after init; MPI calls are funnelled through one thread by contract.
    public let rank: Int
    public let size: Int
    private let communicator: MPI_Comm?

    /// The world of this process: every rank `mpirun` started, or just this process.
    public static let world: Communicator = makeWorld()

    /// A communicator of one rank that calls no MPI function (tests, single-process runs).
    public static let single = Communicator(rank: 0, size: 1, communicator: nil)

    private init(rank: Int, size: Int, communicator: MPI_Comm?) {
        (self.rank, self.size, self.communicator) = (rank, size, communicator)
    }

    /// True when started by `mpirun` with more than one rank (read from the environment Open
    /// MPI's launcher sets, without initialising MPI).
    public static var launchedWithSeveralRanks: Bool {
        let size =
            ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"].flatMap(Int.init) ?? 1
        return size > 1
    }

    private static func makeWorld() -> Communicator {
        guard launchedWithSeveralRanks else { return single }
        var provided: Int32 = 0
        let status = MPI_Init_thread(nil, nil, emk_mpi_thread_funneled(), &provided)
        guard status == MPI_SUCCESS else {
            FileHandle.standardError.write(
                Data(
                    "emotive: MPI_Init_thread failed (error \(status)); is this program started by Open MPI's mpirun?\n"
                        .utf8))
            exit(70)
        }
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(emk_mpi_comm_world(), &rank)
        MPI_Comm_size(emk_mpi_comm_world(), &size)
        atexit { MPI_Finalize() }
        return Communicator(rank: Int(rank), size: Int(size), communicator: emk_mpi_comm_world())
    }

    public var isRoot: Bool { rank == 0 }

    // MARK: - Collectives

    /// Every rank's `values` summed elementwise, in place on every rank.
    public func allreduceSum(_ values: inout [Float]) {
        values.withUnsafeMutableBufferPointer { allreduceSum($0) }
    }

    public func allreduceSum(_ values: inout [Double]) {
        guard let communicator else { return }
        values.withUnsafeMutableBufferPointer { b in
            forEachChunk(b.count) { offset, count in
                MPI_Allreduce(
                    emk_mpi_in_place(), b.baseAddress! + offset, count, emk_mpi_double(),
                    emk_mpi_sum(),
                    communicator)
            }
        }
    }

    public func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
        guard let communicator, !values.isEmpty else { return }
        forEachChunk(values.count) { offset, count in
            MPI_Allreduce(
                emk_mpi_in_place(), values.baseAddress! + offset, count, emk_mpi_float(),
                emk_mpi_sum(),
                communicator)
        }
    }

    /// Starts summing `values` across ranks without waiting; the buffer must stay alive and
    /// untouched until the returned request completes (``Request/wait()``).
    public func startAllreduceSum(_ values: UnsafeMutableBufferPointer<Float>) -> Request {
        guard let communicator, !values.isEmpty else { return Request(handles: []) }
        var handles: [MPI_Request?] = []
        forEachChunk(values.count) { offset, count in
            var request = emk_mpi_request_null()
            MPI_Iallreduce(
                emk_mpi_in_place(), values.baseAddress! + offset, count, emk_mpi_float(),
                emk_mpi_sum(),
                communicator, &request)
            handles.append(request)
        }
        return Request(handles: handles)
    }

    /// Rank `root`'s bytes on every rank (the others' `bytes` are replaced, whatever their size).
    public func broadcast(_ bytes: inout [UInt8], root: Int = 0) {
        guard let communicator else { return }
        var count = [Double(bytes.count)]
        broadcast(&count, root: root)
        if rank != root { bytes = [UInt8](repeating: 0, count: Int(count[0])) }
        bytes.withUnsafeMutableBytes { raw in
            forEachChunk(raw.count) { offset, n in
                MPI_Bcast(raw.baseAddress! + offset, n, emk_mpi_byte(), Int32(root), communicator)
            }
        }
    }

    /// Rank `root`'s values on every rank; every rank must pass the same count.
    public func broadcast(_ values: inout [Double], root: Int = 0) {
        guard let communicator else { return }
        values.withUnsafeMutableBufferPointer { b in
            forEachChunk(b.count) { offset, n in
                MPI_Bcast(b.baseAddress! + offset, n, emk_mpi_double(), Int32(root), communicator)
            }
        }
    }

    public func broadcast(_ values: inout [Float], root: Int = 0) {
        guard let communicator else { return }
        values.withUnsafeMutableBufferPointer { b in
            forEachChunk(b.count) { offset, n in
                MPI_Bcast(b.baseAddress! + offset, n, emk_mpi_float(), Int32(root), communicator)
            }
        }
    }

    /// Rank `root`'s value of a Codable on every rank (JSON over the wire).
    public func broadcast<T: Codable>(_ value: T, root: Int = 0) -> T {
        guard communicator != nil else { return value }
        var bytes = rank == root ? [UInt8]((try? JSONEncoder().encode(value)) ?? Data()) : []
        broadcast(&bytes, root: root)
        return (try? JSONDecoder().decode(T.self, from: Data(bytes))) ?? value
    }

    public func barrier() {
        guard let communicator else { return }
        MPI_Barrier(communicator)
    }

    /// Counts above Int32.max go in pieces (MPI counts are `int`).
    private func forEachChunk(_ count: Int, _ body: (_ offset: Int, _ count: Int32) -> Void) {
        let limit = Int(Int32.max / 2)
        var offset = 0
        while offset < count {
            let n = Swift.min(limit, count - offset)
            body(offset, Int32(n))
            offset += n
        }
    }

    /// A collective in flight.
    public final class Request {
        private var handles: [MPI_Request?]

        init(handles: [MPI_Request?]) { self.handles = handles }

        /// Lets MPI progress the operation; true once it has completed.
        @discardableResult
        public func test() -> Bool {
            var allDone = true
            for i in handles.indices {
                var done: Int32 = 0
                MPI_Test(&handles[i], &done, emk_mpi_status_ignore())
                if done == 0 { allDone = false }
            }
            return allDone
        }

        /// Blocks until the operation has completed.
        public func wait() {
            for i in handles.indices { MPI_Wait(&handles[i], emk_mpi_status_ignore()) }
        }
    }
}
