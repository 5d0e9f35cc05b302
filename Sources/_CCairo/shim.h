// Thin shim over Cairo (PNG, SVG, PDF surfaces), Pango text layout and fontconfig
// (to pin the report fonts).
// No stable API; imported by Plots, Rendering and Vision (synthetic faces).
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>
#include <fontconfig/fontconfig.h>
