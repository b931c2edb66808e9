using System.Globalization;
using Harness.Workloads;
using Harness.Workloads.Traces;

namespace Harness.Tests.Harness.Workloads.Traces;

public sealed class TraceReplayTests
{
    // Expected values from shared/traces/SOURCES.md, to its rounding.
    [Theory]
    [InlineData("azure-code-2023.csv", "Azure2023", 8819, 3435.9, 2.567, 2047.8, 27.9)]
    [InlineData("azure-conv-2023.csv", "Azure2023", 19366, 3501.7, 5.530, 1154.7, 211.1)]
    [InlineData("mooncake-sample.jsonl", "Mooncake", 7851, 2397.0, 3.275, 12428.0, 347.1)]
    public void SharedTracesMatchSources(string file, string format, int rows, double duration, double rate, double inputMean, double outputMean)
    {
        TraceReplayStats s = TraceReplay.Load(SharedData.Trace(file)).Stats;
        Assert.Equal(format, s.Format.ToString());
        Assert.Equal(rows, s.RowsRead);
        Assert.Equal(rows, s.RowsUsed);
        Assert.Equal(0, s.SkippedZeroToken);
        Assert.Equal(duration, s.TraceDurationSeconds, 0.05);
        Assert.Equal(rate, s.TraceRatePerSecond, 0.0005);
        Assert.Equal(inputMean, s.InputMean, 0.05);
        Assert.Equal(outputMean, s.OutputMean, 0.05);
    }

    [Fact]
    public void BurstGptSkipsTheZeroTokenRows()
    {
        TraceReplayResult r = TraceReplay.Load(SharedData.Trace("burstgpt-sample.csv"));
        Assert.Equal(TraceFormat.BurstGpt, r.Stats.Format);
        Assert.Equal(400, r.Stats.RowsRead);
        Assert.Equal(17, r.Stats.SkippedZeroToken);
        Assert.Equal(383, r.Stats.RowsUsed);
        Assert.Equal(543.6, r.Stats.InputMean, 0.05);
        Assert.Equal(288.8, r.Stats.OutputMean, 0.05);
        Assert.Equal(37269, r.Stats.TraceDurationSeconds, 1e-9); // t = 5 s to 37,274 s; both end rows have tokens
        Assert.Equal(TimeSpan.Zero, r.Requests[0].Arrival);
        Assert.Equal("burstgpt-sample.csv:2", r.Requests[0].Source);
    }

    [Fact]
    public void BurstGptColumnsAreFoundByName()
    {
        string original = SharedData.Trace("burstgpt-sample.csv");
        string[] lines = File.ReadAllLines(original);
        string path = Path.Combine(Path.GetTempPath(), $"burst-extra-{Environment.ProcessId}.csv");
        try
        {
            // Reorder: Session ID first, Elapsed time between Model and Request tokens, Log Type before Timestamp.
            IEnumerable<string> rewritten = lines.Select((line, i) =>
            {
                string[] f = line.Split(',');
                string session = i == 0 ? "Session ID" : (1000 + i).ToString(CultureInfo.InvariantCulture);
                string elapsed = i == 0 ? "Elapsed time" : "1.5";
                return string.Join(',', session, f[5], f[0], f[1], elapsed, f[2], f[3], f[4]);
            });
            File.WriteAllLines(path, rewritten);

            TraceReplayResult a = TraceReplay.Load(original);
            TraceReplayResult b = TraceReplay.Load(path);
            Assert.Equal(a.Stats with { File = "" }, b.Stats with { File = "" });
            Assert.Equal(
                a.Requests.Select(r => (r.Arrival, r.InputTokens, r.OutputTokens)),
                b.Requests.Select(r => (r.Arrival, r.InputTokens, r.OutputTokens)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MooncakeBlocksCoverTheInput()
    {
        IReadOnlyList<WorkloadRequest> requests = TraceReplay.Load(SharedData.Trace("mooncake-sample.jsonl")).Requests;
        Assert.All(requests, r => Assert.Equal((r.InputTokens + 511) / 512, r.PrefixBlocks.Count));
        Assert.All(requests, r => Assert.Equal(512, r.PrefixBlockTokens));
        Assert.Equal(requests[0].PrefixBlocks[0], requests[1].PrefixBlocks[0]);
    }

    [Fact]
    public void LengthScaleShrinksPromptsAndPrefixBlocksTogether()
    {
        string path = SharedData.Trace("mooncake-sample.jsonl");
        IReadOnlyList<WorkloadRequest> full = TraceReplay.Load(path, new TraceReplayOptions(MaxRequests: 50)).Requests;
        IReadOnlyList<WorkloadRequest> small = TraceReplay.Load(path, new TraceReplayOptions(MaxRequests: 50, LengthScale: 1.0 / 16)).Requests;

        // Row 1: 6,758 input and 500 output tokens over 14 blocks of 512 -> 422 and 31 tokens over blocks of 32.
        Assert.Equal((6758, 500), (full[0].InputTokens, full[0].OutputTokens));
        Assert.Equal((422, 31), (small[0].InputTokens, small[0].OutputTokens));
        Assert.All(small, r => Assert.Equal(32, r.PrefixBlockTokens));
        Assert.Equal(full.Select(r => r.PrefixBlocks), small.Select(r => r.PrefixBlocks));
        Assert.All(small, r => Assert.True(r.OutputTokens >= 1 && r.InputTokens >= 1));

        // The shared first block makes the first 32 prompt ids of two requests equal, and the next ones differ.
        var builder = new PromptBuilder(7, 49152);
        int[] a = builder.Build(small[0]);
        int[] b = builder.Build(small[1]);
        Assert.Equal(a[..32], b[..32]);
        Assert.NotEqual(a[32..64], b[32..64]);
    }

    [Fact]
    public void ClippingMatchesAnIndependentCount()
    {
        const int ctx = 2048;
        string path = SharedData.Trace("azure-conv-2023.csv");
        int expected = 0;
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            string[] f = line.Split(',');
            int input = int.Parse(f[1], CultureInfo.InvariantCulture);
            int output = int.Parse(f[2], CultureInfo.InvariantCulture);
            expected += input > ctx - 1 || input + output > ctx ? 1 : 0;
        }

        TraceReplayResult r = TraceReplay.Load(path, new TraceReplayOptions(MaxContextTokens: ctx));
        Assert.Equal(expected, r.Stats.Clipped);
        Assert.Equal(expected, r.Requests.Count(q => q.Clipped));
        Assert.True(expected > 100);
        Assert.All(r.Requests, q => Assert.True(q.InputTokens <= ctx - 1 && q.InputTokens + q.OutputTokens <= ctx && q.OutputTokens >= 1));
    }

    [Fact]
    public void ScaleWindowAndLimitShapeTheReplay()
    {
        string path = SharedData.Trace("azure-conv-2023.csv");
        TraceReplayResult fast = TraceReplay.Load(path, new TraceReplayOptions(TimeScale: 0.1));
        Assert.Equal(fast.Stats.TraceDurationSeconds * 0.1, fast.Stats.ReplayDurationSeconds, 1e-9);
        Assert.Equal(fast.Stats.TraceRatePerSecond * 10, fast.Stats.ReplayRatePerSecond, 1e-9);
        Assert.InRange(fast.Requests[^1].Arrival!.Value.TotalSeconds, 350.1, 350.2);

        TraceReplayResult window = TraceReplay.Load(path, new TraceReplayOptions(WindowStartSeconds: 600, WindowEndSeconds: 1200));
        Assert.All(window.Requests, q => Assert.InRange(q.Arrival!.Value.TotalSeconds, 0, 600));
        Assert.Equal(19366, window.Stats.RowsUsed + window.Stats.SkippedOutsideWindow);

        TraceReplayResult limited = TraceReplay.Load(path, new TraceReplayOptions(MaxRequests: 100));
        Assert.Equal(100, limited.Requests.Count);
        Assert.Equal(Enumerable.Range(0, 100), limited.Requests.Select(q => q.Index));
    }

    [Fact]
    public void UnknownHeaderNamesFileAndHeader()
    {
        string path = WriteTemp("id,prompt,completion\n1,2,3\n");
        try
        {
            HarnessInputException e = Assert.Throws<HarnessInputException>(() => TraceReplay.Load(path));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains("id,prompt,completion", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:15:46.6805900,374,44\r\n2023-11-16 18:15:47.0000000,abc,44", ":3:")]
    [InlineData("TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:15:46.6805900,374,44\r\nyesterday,1,1", ":3:")]
    [InlineData("Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n5,ChatGPT,472,18,490,Conversation log\n6,ChatGPT,472\n", ":3:")]
    [InlineData("{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 5, \"hash_ids\": [0]}\n{\"timestamp\": 3000, \"input_length\": 10\n", ":2:")]
    public void MalformedRowNamesTheLine(string content, string lineMarker)
    {
        string path = WriteTemp(content);
        try
        {
            HarnessInputException e = Assert.Throws<HarnessInputException>(() => TraceReplay.Load(path));
            Assert.Contains(path + lineMarker, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string WriteTemp(string content)
    {
        string path = Path.Combine(Path.GetTempPath(), $"trace-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, content);
        return path;
    }
}
