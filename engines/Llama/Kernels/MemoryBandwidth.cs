namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// What <see cref="MemoryBandwidthProbe"/> measured, in GB/s (10⁹ bytes per second), and the settings it used.
/// Triad counts bytes as STREAM does: two arrays read and one written, 3 · sizeof(float) per element, ignoring the
/// write-allocate read. Read counts one array read, 1 · sizeof(float) per element, and is the fairer ceiling for a
/// GEMV, which is almost all reads.
/// </summary>
public sealed record MemoryBandwidth(
    double TriadBestGBps,
    double TriadMedianGBps,
    double ReadBestGBps,
    double ReadMedianGBps,
    long ArrayBytes,
    int Threads,
    int Repetitions);
