// NotebookKit: what a notebook cell calls.
