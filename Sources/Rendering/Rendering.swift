// Rendering: HTML and PDF reports.
