// Every random draw in Vision goes through `SplitMix64` (target SeededRandom), so one seed
// gives the same bytes on every machine and thread count. Its API takes and returns
// SplitMix64, so those who import Vision see it too.
@_exported import SeededRandom
