import Testing
@testable import Rendering

@Suite struct CodeWrappingTests {
    @Test func aLongCallBreaksAfterACommaWithAMarkedDeeperIndent() {
        let wrapped = CodeWrapping.wrap("    let x = f(alpha, beta)", columns: 20)
        #expect(wrapped == "    let x = f(alpha,\n      ↪ beta)")
    }

    @Test func shortLinesAreLeftAlone() {
        #expect(CodeWrapping.wrap("let x = 1\n  y", columns: 20) == "let x = 1\n  y")
    }

    @Test func aBreakNeverLeavesALoneClosingToken() {
        let line =
            "checkpoints.appendingPathComponent(\"cbam_best.safetensors\").path, monitor: .valAccuracy"
        for columns in 30...80 {
            for piece in CodeWrapping.wrap(line, columns: columns).split(separator: "\n") {
                let text = piece.replacingOccurrences(of: "↪", with: "").trimmingCharacters(
                    in: .whitespaces)
                #expect(
                    ![",", ")", ".", ")]))"].contains(text), "columns \(columns): lone \(text)")
                #expect(piece.count <= columns, "columns \(columns): \(piece)")
            }
        }
    }

    @Test func aMemberChainBreaksBeforeTheDot() {
        let wrapped = CodeWrapping.wrap("let p = checkpoints.appendingPathComponent", columns: 30)
        #expect(wrapped == "let p = checkpoints\n  ↪ .appendingPathComponent")
    }

    @Test func aPathBreaksAfterASlashNotMidWord() {
        let wrapped = CodeWrapping.wrap(
            "open Notebooks/data/standin/keras-applications/x.h5", columns: 34)
        let first = wrapped.split(separator: "\n")[0]
        #expect(first.count <= 34 && ["/", "-"].contains(first.last), "\(wrapped)")
    }

    @Test func highlightedTokensKeepTheirStylesAcrossABreak() {
        var m = PangoMarkup()
        m.swift("let value = compute(first, second)", columns: 28)
        #expect(m.markup.contains("compute(first,"))
        #expect(m.markup.contains("\n  ↪ </span>second)"))
    }
}

@Suite struct RunningHeadTests {
    @Test func theRunningHeadUsesTheTitleBeforeItsColon() {
        #expect(
            ReportText.shortTitle(
                "Facial emotion recognition on FER-2013: ResNet50, a CBAM attention CNN and MobileNetV2, reproduced"
            )
                == "Facial emotion recognition on FER-2013")
        // too short to stand alone
        #expect(ReportText.shortTitle("FER: a study") == "FER: a study")
        #expect(ReportText.shortTitle("No colon here") == "No colon here")
    }
}
