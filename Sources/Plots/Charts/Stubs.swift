extension BarChart { func draw(in area: Rect, on canvas: Canvas) {} }
extension Heatmap { func draw(in area: Rect, on canvas: Canvas) {} }
extension ImageGrid { func draw(in area: Rect, on canvas: Canvas) {} }
extension ImageGrid { func naturalHeight(width: Double, hasTitle: Bool) -> Double { 200 } }
