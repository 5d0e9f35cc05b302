// Thin shim over Cairo (PNG, SVG, PDF surfaces) and Pango text layout.
// No stable API; imported by Plots, Rendering and Vision (synthetic faces).
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>
