// swift-tools-version: 6.0
// Emotive: literate deep-learning reports in Swift.
// Dependencies point one way. What a notebook links: the leaves Preconditions, Checksums,
// SeededRandom and XMLEscaping; Tensors ← NeuralNetworks ← NotebookKit (what cells call), with
// Vision (on the leaves, not Tensors) and Plots beside NeuralNetworks and NotebookModel (the
// document, on Plots) under NotebookKit, which bridges Vision's batches to tensors. What
// renders: Runner (NotebookModel, Checksums, cmark-gfm) and Rendering (NotebookModel, Plots)
// ← emotive, with Preview (XMLEscaping only); none depends on training. See ARCHITECTURE.md.
import PackageDescription

// MARK: - C shims (one per system library, each imported by one Swift target)

let cTargets: [Target] = [
    .systemLibrary(
        name: "_COpenBLAS", path: "Sources/_COpenBLAS", pkgConfig: "openblas",
        providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(
        name: "_CCairo", path: "Sources/_CCairo", pkgConfig: "pangocairo",
        providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]),
    .systemLibrary(
        name: "_CPNG", path: "Sources/_CPNG", pkgConfig: "libpng",
        providers: [.apt(["libpng-dev"])]),
    .systemLibrary(
        name: "_CJPEG", path: "Sources/_CJPEG", pkgConfig: "libjpeg",
        providers: [.apt(["libjpeg-dev"])]),
    .systemLibrary(
        name: "_CCmark", path: "Sources/_CCmark",
        providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
    .systemLibrary(
        name: "_CHDF5", path: "Sources/_CHDF5", pkgConfig: "hdf5",
        providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(
        name: "_CZlib", path: "Sources/_CZlib", pkgConfig: "zlib",
        providers: [.apt(["zlib1g-dev"])]),
    // Open MPI, for data-parallel training over several processes and machines.
    .systemLibrary(
        name: "_CMPI", path: "Sources/_CMPI", pkgConfig: "ompi-c",
        providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
    // setjmp/longjmp error handling for libpng and libjpeg, which Swift cannot host.
    .target(name: "_CImageCodecs", dependencies: ["_CPNG", "_CJPEG"]),
    // Direct convolution kernels (AVX-512 / AVX2 / baseline, chosen at run time). Always
    // optimised: at -O0 (debug builds, the test suite) intrinsics code is ~20x slower.
    .target(name: "_CKernels", cSettings: [.unsafeFlags(["-O2"])]),
]

// MARK: - Library targets

let libraryTargets: [Target] = [
    // SHA-256 and FNV-1a: dataset fingerprints, cache keys, stable stream numbers, figure ids.
    .target(name: "Checksums"),
    // `Communicator`: rank, size and the collectives of a data-parallel run (Open MPI); a
    // single rank calls no MPI function.
    .target(name: "MessagePassing", dependencies: ["_CMPI"]),
    // The seeded generators, one family: SplitMix64 (Vision's draws, and the seeder) and
    // xoshiro256** (`RandomGenerator`: weights, dropout, shuffling). Re-exported by Tensors
    // and Vision, whose APIs take them.
    .target(name: "SeededRandom"),
    // `check(condition, message)`: a failed check that keeps its message in release builds
    // (`precondition` drops it), for every target a notebook links.
    .target(name: "Preconditions"),
    .target(
        name: "Tensors",
        dependencies: ["Preconditions", "SeededRandom", "_COpenBLAS", "_CKernels"],
        exclude: ["README.md"]),
    .target(
        name: "NeuralNetworks",
        dependencies: [
            "Preconditions", "Tensors", "Checksums", "MessagePassing", "_CHDF5", "_CZlib",
            "_CKernels",
        ],
        exclude: ["README.md"]),
    .target(
        name: "Vision",
        dependencies: [
            "Preconditions", "SeededRandom", "Checksums", "_CPNG", "_CJPEG", "_CCairo",
            "_CImageCodecs",
        ],
        exclude: ["README.md"]),
    // `escapeXML`: the one escaper of XML and HTML text (SVG, HTML report, Pango markup, the
    // preview page); Foundation only, so the preview does not depend on Plots (Cairo).
    .target(name: "XMLEscaping"),
    .target(name: "Plots", dependencies: ["Preconditions", "Checksums", "XMLEscaping", "_CCairo"]),
    .target(name: "NotebookModel", dependencies: ["Plots"]),
    .target(
        name: "NotebookKit",
        dependencies: [
            "Tensors", "NeuralNetworks", "Vision", "Plots", "NotebookModel", "MessagePassing",
        ]),
    .target(
        name: "Rendering",
        dependencies: ["NotebookModel", "Plots", "XMLEscaping", "Checksums", "_CCairo"]),
    .target(
        name: "Runner",
        dependencies: [
            "NotebookModel", "Checksums", "_CCmark", .product(name: "Yams", package: "Yams"),
        ]),
    // `emotive preview`: a loopback HTTP/1.1 server (GET + server-sent events) and the page's
    // live-reload state; Foundation and the one XML escaper.
    .target(name: "Preview", dependencies: ["XMLEscaping"]),
    .executableTarget(
        name: "emotive",
        dependencies: [
            "Runner", "Rendering", "Preview", "NotebookModel", "Vision",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    .executableTarget(
        name: "EmotiveBenchmarks",
        dependencies: ["Tensors", "NeuralNetworks", "Vision", "NotebookKit", "MessagePassing"],
        path: "Benchmarks", exclude: ["Peers", "compare.sh"]),
]

// MARK: - Tests

let testTargets: [Target] = [
    .target(name: "TestSupport", dependencies: ["Tensors"], path: "Tests/TestSupport"),
    .testTarget(name: "ChecksumsTests", dependencies: ["Checksums"]),
    .testTarget(name: "SeededRandomTests", dependencies: ["SeededRandom", "Checksums"]),
    .testTarget(
        name: "TensorsTests", dependencies: ["Tensors", "TestSupport"],
        resources: [.copy("Fixtures")]),
    .testTarget(
        name: "NeuralNetworksTests", dependencies: ["NeuralNetworks", "Checksums", "TestSupport"],
        resources: [.copy("Fixtures")]),
    .testTarget(
        name: "VisionTests", dependencies: ["Vision", "TestSupport"],
        exclude: ["Fuzz/corpus", "Fuzz/fuzz.sh", "Fuzz/make_corpus.py"],
        resources: [.copy("Fixtures")]),
    .testTarget(
        name: "PlotsTests", dependencies: ["Plots", "XMLEscaping", "TestSupport"],
        resources: [.copy("Goldens")]),
    .testTarget(name: "NotebookKitTests", dependencies: ["NotebookKit", "Vision"]),
    .testTarget(
        name: "RunnerTests", dependencies: ["Runner", "Checksums", "NotebookModel", "TestSupport"],
        exclude: ["Notebooks"]),
    .testTarget(name: "PreviewTests", dependencies: ["Preview", "TestSupport"]),
    // Runner: only `GeneratedMarkdown`, which parses the hand-built notebooks' Markdown outputs.
    .testTarget(
        name: "RenderingTests",
        dependencies: ["Rendering", "NotebookModel", "Runner", "TestSupport"],
        exclude: ["check_reports.sh", "Fixtures"]),
]

let package = Package(
    name: "Emotive",
    platforms: [.macOS(.v14)],
    products: [
        // The library a compiled notebook links against (DESIGN, "Executing a notebook").
        .library(
            name: "Emotive", type: .dynamic,
            targets: [
                "NotebookKit", "NeuralNetworks", "Vision", "Plots", "Tensors",
                "NotebookModel", "Checksums", "SeededRandom", "XMLEscaping", "Preconditions",
                "MessagePassing",
            ]),
        .executable(name: "emotive", targets: ["emotive"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: cTargets + libraryTargets + testTargets
)
