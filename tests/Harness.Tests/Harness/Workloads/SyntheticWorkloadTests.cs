using Harness.Workloads;

namespace Harness.Tests.Harness.Workloads;

public sealed class SyntheticWorkloadTests
{
    [Fact]
    public void SeededAndWithinDistributions()
    {
        SyntheticWorkloadOptions options = new(200, LengthDistribution.Uniform(50, 100), LengthDistribution.Fixed(32), Seed: 5);
        IReadOnlyList<WorkloadRequest> a = SyntheticWorkload.Generate(options);
        IReadOnlyList<WorkloadRequest> b = SyntheticWorkload.Generate(options);
        Assert.Equal(a.Select(r => r.InputTokens), b.Select(r => r.InputTokens));
        Assert.All(a, r => Assert.InRange(r.InputTokens, 50, 100));
        Assert.All(a, r => Assert.Equal(32, r.OutputTokens));
        Assert.All(a, r => Assert.Null(r.Arrival));
        Assert.NotEqual(a.Select(r => r.InputTokens), SyntheticWorkload.Generate(options with { Seed = 6 }).Select(r => r.InputTokens));
    }

    [Fact]
    public void PrefixGroupsShareTheirFirstTokens()
    {
        SyntheticWorkloadOptions options = new(100, LengthDistribution.Uniform(10, 300), LengthDistribution.Fixed(8), Seed: 1, PrefixGroups: 4, PrefixTokens: 64);
        IReadOnlyList<WorkloadRequest> requests = SyntheticWorkload.Generate(options);
        PromptBuilder builder = new(seed: 3, vocabSize: 32000);
        int[][] prompts = [.. requests.Select(builder.Build)];

        Assert.Equal(4, requests.Select(r => r.PrefixGroup).Distinct().Count());
        for (int i = 0; i < requests.Count; i++)
        {
            Assert.Equal(requests[i].InputTokens, prompts[i].Length);
            Assert.True(requests[i].InputTokens >= 65);
            for (int j = 0; j < i; j++)
            {
                bool same = prompts[i].AsSpan(0, 64).SequenceEqual(prompts[j].AsSpan(0, 64));
                Assert.Equal(requests[i].PrefixGroup == requests[j].PrefixGroup, same);
            }
        }
    }
}
