using Harness.Metrics;

namespace Harness.Tests.Harness.Metrics;

public sealed class RequestMetricsTests
{
    private const double Tol = 1e-6;

    [Fact]
    public void FormulasMatchHandComputedValues()
    {
        RequestMetrics m = RequestMetrics.From(Records.Make(0, [100, 130, 170, 200], computeStartMs: 20));

        Assert.Equal(100, m.TtftMs!.Value, Tol);
        Assert.Equal(200, m.E2eMs, Tol);
        Assert.Equal(100.0 / 3, m.TpotMs!.Value, Tol); // vLLM TPOT: (200 - 100) / (4 - 1)
        Assert.Equal(50, m.TpotInclFirstMs!.Value, Tol); // GuideLLM TPOT: 200 / 4
        Assert.Equal(20, m.QueueWaitMs!.Value, Tol);
        Assert.Equal(3, m.ItlMs.Length);
        Assert.Equal(30, m.ItlMs[0], Tol);
        Assert.Equal(40, m.ItlMs[1], Tol);
        Assert.Equal(30, m.ItlMs[2], Tol);
    }

    [Fact]
    public void LatenciesCountFromScheduledNotSent()
    {
        // Scheduled at 50 ms, first token at 250 ms: 200 ms TTFT however late the client sent it.
        RequestMetrics m = RequestMetrics.From(Records.Make(50, [250, 300]) with { SentAt = Records.Ticks(150) });
        Assert.Equal(200, m.TtftMs!.Value, Tol);
        Assert.Equal(250, m.E2eMs, Tol);
    }

    [Fact]
    public void OneTokenRequestHasNoTpotNorItl()
    {
        RequestMetrics m = RequestMetrics.From(Records.Make(0, [80]));
        Assert.Null(m.TpotMs);
        Assert.Empty(m.ItlMs);
        Assert.Equal(80, m.TtftMs!.Value, Tol);
        Assert.Equal(80, m.TpotInclFirstMs!.Value, Tol);
        Assert.Null(m.QueueWaitMs);
    }
}
