// Thin shim over cmark-gfm and its GitHub extensions (tables, strikethrough, autolinks).
// No stable API; imported only by Runner.
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
