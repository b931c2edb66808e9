namespace Harness.Metrics;

/// <summary>Whether a run has enough samples to claim "p-th percentile of a metric &lt;= bound" (MLPerf early stopping).</summary>
/// <param name="Metric">e.g. "ttft_ms".</param>
/// <param name="Percentile">Target percentile as a fraction (0.99).</param>
/// <param name="Confidence">Confidence of the claim (0.99).</param>
/// <param name="BoundMs">The latency bound judged against.</param>
/// <param name="BoundIsSlo">True when the bound is the SLO; false when it is the measured percentile (no SLO set).</param>
/// <param name="Samples">n: samples considered.</param>
/// <param name="Overlatency">t: samples above the bound.</param>
/// <param name="MinimumSamples">Fewest samples with which t overlatency samples would still give a valid claim.</param>
/// <param name="Valid">Whether the claim holds at this confidence.</param>
/// <param name="ConservativeEstimateMs">The percentile estimate LoadGen reports (latency at rank n - t*), or null when n is too small.</param>
internal sealed record EarlyStoppingVerdict(
    string Metric,
    double Percentile,
    double Confidence,
    double BoundMs,
    bool BoundIsSlo,
    long Samples,
    long Overlatency,
    long MinimumSamples,
    bool Valid,
    double? ConservativeEstimateMs);
