// Runner: parse, generate, compile, execute, collect.
