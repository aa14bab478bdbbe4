// Entry point of the `aegis` executable; everything else is wiring in the files next to this one.

#if canImport(Glibc)
import Glibc
#endif

// Line-buffered output even into a pipe or a log file, so long runs show their progress as
// it happens instead of at exit.
setvbuf(stdout, nil, _IOLBF, 0)
AegisCommand.main()
