import ArgumentParser
import Foundation
import Vision

/// `emotive data …`: check a FER-2013 download, or write the synthetic data set to disk.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect a FER-2013 download or write the synthetic FER-shaped data set.",
        subcommands: [Inspect.self, Synth.self])

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check a data set before a long run: format, class counts per split, bad files, fingerprint.",
            discussion:
                "PATH is a Kaggle-layout folder (train/<class>/…, test/<class>/…) or fer2013.csv.")

        @Argument(help: "The data set: a folder in Kaggle's layout or a fer2013.csv file.")
        var path: String

        func run() throws {
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError(
                    "\(path) does not exist: pass a Kaggle-layout folder or a fer2013.csv file")
            }
            do {
                print(try DatasetInspector.inspect(path))
            } catch {
                throw fail(error)
            }
        }
    }

    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the synthetic FER-shaped data set (deterministic from --seed).",
            discussion: "Scale 1.0 has FER-2013's size: 28,709 training and 7,178 test images.")

        @Option(help: "Output folder (created if missing).")
        var out: String

        @Option(help: "Size relative to FER-2013 (0 < S; 1.0 = 35,887 images).")
        var scale: Double = 0.1

        @Option(help: "folders (PNG), folders-jpeg, or csv (fer2013.csv).")
        var format: String = "folders"

        @Option(help: "Random seed; the same seed writes byte-identical files.")
        var seed: UInt64 = 2013

        @Option(help: "Share of deliberately wrong labels, 0...1.")
        var labelNoise: Double = 0.1

        @Option(
            help:
                "Pose, lighting, occlusion, blur and noise: 0 = clean frontal faces … 1 = full (fer2013.md: 0.4)."
        )
        var difficulty: Double = 1.0

        @Option(help: "Side of the square images in pixels (FER-2013's is 48; at least 16).")
        var imageSize: Int = 48

        @Option(help: "Images every class keeps at least, in each split, however small the scale.")
        var minimumPerClass: Int = 4

        /// The generator's configuration these options describe: a notebook calling
        /// `SyntheticFER.generate` with it draws the same images.
        var configuration: SyntheticFER.Configuration {
            SyntheticFER.Configuration(
                scale: scale, seed: seed, labelNoise: labelNoise, difficulty: difficulty,
                imageSize: imageSize, minimumPerClass: minimumPerClass)
        }

        func validate() throws {
            guard scale > 0 else {
                throw ValidationError("--scale must be greater than 0, got \(scale)")
            }
            guard (0...1).contains(labelNoise) else {
                throw ValidationError("--label-noise must be between 0 and 1, got \(labelNoise)")
            }
            guard (0...1).contains(difficulty) else {
                throw ValidationError("--difficulty must be between 0 and 1, got \(difficulty)")
            }
            guard imageSize >= 16 else {
                throw ValidationError("--image-size must be at least 16, got \(imageSize)")
            }
            guard minimumPerClass >= 1 else {
                throw ValidationError(
                    "--minimum-per-class must be at least 1, got \(minimumPerClass)")
            }
            guard SyntheticFER.OutputFormat(rawValue: format) != nil else {
                throw ValidationError(
                    "--format must be one of "
                        + SyntheticFER.OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
                        + ", got '\(format)'")
            }
        }

        func run() throws {
            let started = Date()
            do {
                let data = try SyntheticFER.write(
                    to: URL(fileURLWithPath: out), configuration: configuration,
                    format: SyntheticFER.OutputFormat(rawValue: format)!)
                print(
                    String(
                        format: "wrote %d training and %d test images (%@) to %@ in %.1f s",
                        data.train.count, data.test.count, format, out,
                        Date().timeIntervalSince(started)))
                print(configuration.description)
                // The fingerprints a notebook registers (registerData) for the same data.
                print("train fingerprint \(data.train.fingerprint())")
                print("test fingerprint \(data.test.fingerprint())")
                print("fingerprint \(data.fingerprint())")
            } catch {
                throw fail(error)
            }
        }
    }
}
