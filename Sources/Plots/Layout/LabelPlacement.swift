import Foundation

/// Places text labels beside what they describe without covering data or each other.
///
/// Each label offers candidate boxes in order of preference and takes the first that lies
/// inside `bounds` and meets no obstacle (bars, point symbols) and no label placed before
/// it. A candidate away from its data carries a leader line, which must be clear too. A
/// label with no such candidate is left out.
/// Where `softPoints` are given (samples along lines), a candidate clear of them is
/// preferred too, falling back to one that only avoids the obstacles.
/// One pass, no search: the same chart always lays out the same way.
///
/// ```swift
/// var placer = LabelPlacer(bounds: plot, obstacles: bars.map(\.rect))
/// let choice = placer.place([above, upright])  // 0, 1, or nil when neither fits
/// ```
struct LabelPlacer {
    var bounds: Rect
    /// Boxes no label may cover.
    var obstacles: [Rect]
    /// Points a label avoids when it can.
    var softPoints: [Point] = []
    /// Boxes of the labels placed so far, in order.
    private(set) var placed: [Rect] = []
    /// Points along the leader lines placed so far.
    private var leaderPoints: [Point] = []

    init(bounds: Rect, obstacles: [Rect], softPoints: [Point] = []) {
        self.bounds = bounds
        self.obstacles = obstacles
        self.softPoints = softPoints
    }

    /// The index of the first candidate that fits, now recorded as placed; nil when none does.
    mutating func place(_ candidates: [Rect]) -> Int? {
        place(candidates.map { Candidate(rect: $0) })
    }

    mutating func place(_ candidates: [Candidate]) -> Int? {
        for strict in softPoints.isEmpty ? [false] : [true, false] {
            if let i = candidates.firstIndex(where: { fits($0, clearOfPoints: strict) }) {
                placed.append(candidates[i].rect)
                leaderPoints += candidates[i].leader?.samples ?? []
                return i
            }
        }
        return nil
    }

    /// Whether the candidate lies inside the bounds, clear of obstacles, placed labels and
    /// their leaders (and of the soft points when `clearOfPoints`), its leader too.
    func fits(_ c: Candidate, clearOfPoints: Bool = false) -> Bool {
        let r = c.rect, e = 1e-6
        guard r.minX >= bounds.minX - e, r.maxX <= bounds.maxX + e, r.minY >= bounds.minY - e,
            r.maxY <= bounds.maxY + e
        else { return false }
        if obstacles.contains(where: r.intersects) || placed.contains(where: r.intersects)
            || leaderPoints.contains(where: r.contains)
        {
            return false
        }
        if let leader = c.leader {
            for p in leader.samples
            where obstacles.contains(where: { $0.contains(p) })
                || placed.contains(where: { $0.contains(p) })
            { return false }
        }
        return !clearOfPoints || !softPoints.contains(where: r.contains)
    }

    /// A label's box, and the line that ties it to its data when it sits away from it.
    struct Candidate: Hashable {
        var rect: Rect
        var leader: Leader?
    }
}

/// A thin line from a label to the point it describes.
struct Leader: Hashable {
    var from: Point
    var to: Point

    /// Points every half point along the line, ends included.
    var samples: [Point] {
        let n = max(1, Int((hypot(to.x - from.x, to.y - from.y) * 2).rounded(.up)))
        return (0...n).map { k in
            let t = Double(k) / Double(n)
            return Point(from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t)
        }
    }
}
