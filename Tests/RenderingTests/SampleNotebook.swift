import Foundation
import NotebookModel
import Plots
import Runner

extension ExecutedNotebook {
    /// With its `show(markdown:)` outputs and captions parsed, as the Runner hands it over.
    func parsingMarkdown() -> ExecutedNotebook {
        var executed = self
        executed.markdown = GeneratedMarkdown.parse(executed)
        return executed
    }
}

/// Hand-built executed notebooks for the renderer tests: no compiler; the Runner only
/// parses their Markdown outputs and captions.
enum Sample {
    /// A report exercising every block and output kind, a long table and a long code cell.
    static func report(failure: Bool = false) -> ExecutedNotebook {
        let longCode = (1...140).map { i in
            i % 10 == 1
                ? "// Step \(i): accumulate the running loss"
                : "let step\(i) = \(i) * 0.5 + lossScale  // line \(i)"
        }.joined(separator: "\n")
        let blocks: [Block] = [
            .prose(.heading(level: 1, [.text("Introduction")])),
            .prose(
                .paragraph([
                    .text("We train three networks on FER-2013 & report "),
                    .emphasis([.text("balanced")]),
                    .text(" accuracy with "), .code("Adam(learningRate: 1e-5)"), .text(". See "),
                    .crossReference(label: "fig-curves"), .text(" and "),
                    .crossReference(label: "tbl-accuracy"),
                    .text("; the data is described in "), .crossReference(label: "sec-data"),
                    .text(". "),
                    .text("The best test accuracy was "),
                    .inlineExpression(index: 0, source: "best"),
                    .text(". Details are on "),
                    .link(url: "https://example.org/fer?a=1&b=<2>", [.text("the dataset page")]),
                    .text("."),
                ])),
            .prose(
                .list(
                    ordered: false, start: 1,
                    items: [
                        [
                            .paragraph([
                                .text("A "), .strong([.text("simple CNN")]), .text(" baseline."),
                            ])
                        ],
                        [.paragraph([.text("MobileNetV2 with ImageNet weights.")])],
                        [.paragraph([.text("ResNet50, fine-tuned.")])],
                    ])),
            .prose(.heading(level: 2, [.text("Data {#sec-data}")])),
            .prose(.paragraph([.text("Seven classes; disgust is rare.")])),
            .cell(
                Cell(
                    index: 0, line: 20,
                    source: "let data = try FER2013.load(params.dataset)\nprint(data.summary)")),
            .prose(
                .table(
                    header: [[.text("Split")], [.text("Images")]], alignments: [.left, .right],
                    rows: [
                        [[.text("train")], [.text("28709")]], [[.text("test")], [.text("7178")]],
                    ])),
            .prose(.heading(level: 1, [.text("Results")])),
            .cell(
                Cell(
                    index: 1, line: 30, source: "show(LineChart(history))",
                    options: CellOptions(
                        label: "fig-curves", caption: "Training and validation accuracy per epoch.")
                )),
            .cell(
                Cell(
                    index: 2, line: 40, source: "show(accuracyTable)",
                    options: CellOptions(
                        label: "tbl-accuracy", caption: "Test accuracy by model.", echo: false))),
            .prose(.heading(level: 2, [.text("Long outputs")])),
            .cell(Cell(index: 3, line: 50, source: longCode)),
            .cell(Cell(index: 4, line: 200, source: "show(perImageTable)")),
            .prose(.heading(level: 1, [.text("Discussion")])),
            .prose(.quote([.paragraph([.text("Claims are checks.")])])),
            .cell(
                Cell(
                    index: 5, line: 220,
                    source: "expect(best > 0.3, \"beats chance\")\nrecord(\"best\", best)")),
            .cell(Cell(index: 6, line: 230, source: "try riskyStep()")),
            .cell(Cell(index: 7, line: 240, source: "print(\"after\")")),
        ]
        let nb = Notebook(
            path: "Notebooks/sample.md",
            frontMatter: FrontMatter(
                title: "Facial Emotion Recognition <FER-2013>",
                author: "A. Researcher", date: "2026-11-25"),
            blocks: blocks)
        let longRows = (1...90).map { i in
            [
                "image_\(String(format: "%03d", i)).png", ["angry", "happy", "sad"][i % 3],
                String(format: "%.3f", Double(i % 17) / 17),
            ]
        }
        let curves = Figure.lines(
            title: "Accuracy", xLabel: "Epoch", yLabel: "Accuracy",
            series: [
                Series(name: "train", y: [0.31, 0.45, 0.52, 0.57, 0.60]),
                Series(name: "validation", y: [0.30, 0.41, 0.44, 0.47, 0.48]),
            ])
        let loss = Figure.lines(
            xLabel: "Epoch", yLabel: "Loss",
            series: [Series(name: "train", y: [1.9, 1.5, 1.3, 1.2, 1.15])])
        var results: [Int: CellResult] = [
            0: CellResult(
                outputs: [
                    .text("train: 28709 images\ntest: 7178 images\n"),
                    .markdown(
                        "**Classes:** angry, disgust, fear, happy, sad, surprise, neutral.\n\n- 48x48 grayscale\n- balanced weights"
                    ),
                ],
                seconds: 0.42),
            1: CellResult(outputs: [.figure(FigureOutput(figure: curves))], seconds: 3.1),
            2: CellResult(
                outputs: [
                    .table(
                        Table(
                            columns: ["Model", "Accuracy", "Macro F1"],
                            rows: [
                                ["Simple CNN", "0.512", "0.47"],
                                ["MobileNetV2", "0.583", "0.55"],
                                ["ResNet50", "0.641", "0.61"],
                            ]))
                ], seconds: 0.01),
            3: CellResult(outputs: [], seconds: 0.002),
            4: CellResult(
                outputs: [
                    .table(
                        Table(
                            label: "tbl-per-image", caption: "Per-image predictions (long).",
                            columns: ["Image", "Predicted", "Confidence"], rows: longRows)),
                    .figure(
                        FigureOutput(label: "fig-loss", caption: "Training loss.", figure: loss)),
                ],
                seconds: 1.5),
            5: CellResult(
                outputs: [
                    .expectation(Expectation(passed: true, message: "beats chance", line: 220)),
                    .expectation(Expectation(passed: false, message: "beats 0.9", line: 221)),
                    .metric(name: "best", value: 0.641),
                ], seconds: 0.001),
        ]
        var stop: CellFailure?
        if failure {
            stop = CellFailure(
                cellIndex: 6, line: 230, message: "Fatal error: index out of range <x>")
        } else {
            results[6] = CellResult(outputs: [.text("ok")], seconds: 0.1)
            results[7] = CellResult(outputs: [.text("after")], seconds: 0.1)
        }
        return ExecutedNotebook(
            notebook: nb, results: results, inlineValues: [0: "64.1%"],
            provenance: Provenance(
                gitCommit: "abc1234", emotiveVersion: "0.1.0",
                params: ["epochs": .int(3), "dataset": .string("synthetic")],
                profile: "ci", dataFingerprints: ["train": "sha256:feed"],
                machine: "x86_64 Linux, 2 cores", executedAt: "2026-11-25T15:00:00Z"),
            failure: stop
        ).parsingMarkdown()
    }

    /// Every kind of chart the Plots library draws, for looking at and for the check script.
    static func gallery() -> ExecutedNotebook {
        let labels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
        let counts = (0..<7).map { i in
            (0..<7).map { j in i == j ? 60 + 7 * i : (i * 3 + j * 5) % 11 }
        }
        let faces = (0..<8).map { k in
            GridImage(
                pixels: (0..<(24 * 24)).map { p in UInt8((p % 24 * 9 + p / 24 * 5 + k * 31) % 256)
                },
                width: 24, height: 24, caption: labels[k % 7])
        }
        let figures: [FigureOutput] = [
            FigureOutput(
                label: "fig-classes", caption: "Training images per class.",
                figure: .bars(
                    title: "Images per class", categories: labels,
                    values: [3995, 436, 4097, 7215, 4830, 3171, 4965], valueLabel: "Images")),
            FigureOutput(
                label: "fig-cm", caption: "Confusion matrix of the best model on the test split.",
                figure: .confusionMatrix(counts: counts, labels: labels)),
            FigureOutput(
                label: "fig-faces", caption: "Sample faces with their labels.",
                figure: .imageGrid(columns: 4, images: faces)),
        ]
        let blocks: [Block] = [
            .prose(.heading(level: 1, [.text("Charts")])),
            .prose(
                .paragraph([
                    .text("Class balance is in "), .crossReference(label: "fig-classes"),
                    .text(", errors in "), .crossReference(label: "fig-cm"),
                    .text(", and faces in "),
                    .crossReference(label: "fig-faces"), .text("."),
                ])),
            .cell(
                Cell(index: 0, line: 8, source: "show(classChart)\nshow(confusion)\nshow(faces)")),
        ]
        return ExecutedNotebook(
            notebook: Notebook(
                path: "gallery.md",
                frontMatter: FrontMatter(title: "Chart gallery", author: "Emotive"),
                blocks: blocks),
            results: [0: CellResult(outputs: figures.map { .figure($0) }, seconds: 0.3)],
            provenance: Provenance(emotiveVersion: "0.1.0", machine: "test", executedAt: "now"))
    }

    /// The smallest notebook: a title and one paragraph.
    static func minimal() -> ExecutedNotebook {
        ExecutedNotebook(
            notebook: Notebook(
                path: "m.md", frontMatter: FrontMatter(title: "Minimal"),
                blocks: [.prose(.paragraph([.text("Hello.")]))]),
            provenance: Provenance(emotiveVersion: "0.1.0", machine: "test", executedAt: "now"))
    }
}

/// Runs a command-line tool and returns its standard output.
func run(_ tool: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    struct ToolFailed: Error { var tool: String; var status: Int32 }
    guard process.terminationStatus == 0 else {
        throw ToolFailed(tool: tool, status: process.terminationStatus)
    }
    return String(decoding: data, as: UTF8.self)
}

/// A fresh temporary directory for one test.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "rendering-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
