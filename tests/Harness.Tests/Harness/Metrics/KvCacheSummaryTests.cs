using Harness.Engines;
using Harness.Metrics;

namespace Harness.Tests.Harness.Metrics;

public sealed class KvCacheSummaryTests
{
    [Fact]
    public void WasteIsWeightedByAllocationOverTheStepsThatAllocated()
    {
        // 30 of 100 and 50 of 100 bytes used: 80 of 200 over both steps, 60 % wasted. The empty step allocates
        // nothing and must not count.
        KvCacheSummary kv = Summary(Trace([Step(0, used: 30, allocated: 100), Step(1, used: 0, allocated: 0), Step(2, used: 50, allocated: 100)]));

        Assert.Equal(60.0, kv.WastePercent!.Value, 9);

        // Ties for the largest allocation go to the first such step: 30 of 100.
        Assert.Equal(70.0, kv.WastePercentAtPeak!.Value, 9);
        Assert.Equal(3, kv.Steps);
    }

    [Fact]
    public void PeakFiguresComeFromTheLargestStepsAcrossEveryTrace()
    {
        // A small step with little waste and a large one with much: the average weights the large one 2 to 1.
        KvCacheSummary kv = Summary(
            Trace([Step(0, used: 30, allocated: 100, capacity: 1000)]),
            Trace([Step(1, used: 50, allocated: 200, capacity: 1200), Step(2, used: 60, allocated: 150, capacity: 1200)]));

        Assert.Equal(100 * (1 - (140.0 / 450)), kv.WastePercent!.Value, 9);
        Assert.Equal(75.0, kv.WastePercentAtPeak!.Value, 9);
        Assert.Equal(60, kv.PeakUsedBytes);
        Assert.Equal(200, kv.PeakAllocatedBytes);
        Assert.Equal(1200, kv.CapacityBytes);
        Assert.Equal(3, kv.Steps);
    }

    [Fact]
    public void PrefixHitRateIsHitsOverLookupsSummedOverTraces()
    {
        Assert.Equal(0.3, Summary(Trace([], hits: 30, misses: 70)).PrefixCacheHitRate!.Value, 12);
        Assert.Equal(0.25, Summary(Trace([], hits: 10, misses: 70), Trace([], hits: 20, misses: 20)).PrefixCacheHitRate!.Value, 12);
        Assert.Null(Summary(Trace([])).PrefixCacheHitRate);
    }

    [Fact]
    public void MeanDecodeBatchCountsOnlyStepsThatDecoded()
    {
        KvCacheSummary kv = Summary(Trace([Step(0, decode: 0), Step(1, decode: 2), Step(2, decode: 4)]));

        Assert.Equal(3.0, kv.MeanDecodeBatch!.Value, 12);
        Assert.Null(Summary(Trace([Step(0, decode: 0)])).MeanDecodeBatch);
    }

    [Fact]
    public void PreemptionsAreCountedOverEveryTrace()
    {
        EngineRequestEvent Preempted(string id) => new(id, EngineEventKind.Preempted, 5, 5, 1, 0);
        EngineRequestEvent decode = new("a", EngineEventKind.Decode, 0, 5, 1, 0);

        KvCacheSummary kv = Summary(Trace([], events: [decode, Preempted("a")]), Trace([], events: [Preempted("b"), decode, Preempted("a")]));

        Assert.Equal(3, kv.Preemptions);
    }

    [Fact]
    public void LayoutComesFromTheEngineAndNothingIsInventedWithoutSteps()
    {
        KvCacheSummary kv = Summary(new EngineTrace("paged", 16, 36864, 2048, [], [], 0, 0));

        Assert.Equal(("paged", 16, 36864L), (kv.KvLayout, kv.BlockSize, kv.BytesPerToken));
        Assert.Equal((0L, 0L, 0L, 0), (kv.CapacityBytes, kv.PeakUsedBytes, kv.PeakAllocatedBytes, kv.Steps));
        Assert.Null(kv.WastePercent);
        Assert.Null(kv.WastePercentAtPeak);
        Assert.Null(kv.MeanDecodeBatch);
        Assert.Null(KvCacheSummary.Compute([]));
    }

    private static KvCacheSummary Summary(params EngineTrace[] traces) => KvCacheSummary.Compute(traces)!;

    private static EngineTrace Trace(IReadOnlyList<EngineStep> steps, long hits = 0, long misses = 0, IReadOnlyList<EngineRequestEvent>? events = null) =>
        new("contiguous", 64, 10, 64, events ?? [], steps, hits, misses);

    private static EngineStep Step(int index, long used = 10, long allocated = 100, long capacity = 1000, int decode = 1) =>
        new(index, index * 100L, (index * 100L) + 90, decode, 0, 1, 0, used, allocated, capacity);
}
