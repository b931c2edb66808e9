using System.Globalization;
using Harness.Engines;

namespace Harness.Workloads;

/// <summary>Draws a workload from length distributions, optionally with shared-prefix groups.</summary>
internal static class SyntheticWorkload
{
    // Separate streams so that, e.g., changing the output distribution leaves the input lengths unchanged.
    private const int InputStream = 1;
    private const int OutputStream = 2;
    private const int GroupStream = 3;

    /// <summary>Synthetic prefix block ids start here so they never look like small trace hash ids in a mixed report.</summary>
    public const long PrefixBlockIdBase = 1L << 40;

    /// <summary>
    /// Generates <see cref="SyntheticWorkloadOptions.Count"/> requests with no arrival times. With G prefix groups each
    /// request joins a uniformly drawn group and starts with that group's L tokens; its drawn input length counts the
    /// prefix, and is raised to L + 1 when shorter so every request has at least one token of its own.
    /// </summary>
    public static IReadOnlyList<WorkloadRequest> Generate(SyntheticWorkloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Count < 0)
        {
            throw new HarnessInputException($"synthetic workload count must be >= 0, got {options.Count}");
        }

        if (options.PrefixGroups < 0 || (options.PrefixGroups > 0 && options.PrefixTokens < 1) || options.PrefixTokens < 0)
        {
            throw new HarnessInputException($"shared-prefix groups need groups >= 1 and prefix tokens >= 1, got groups={options.PrefixGroups}, tokens={options.PrefixTokens}");
        }

        System.Random inputRng = new(SplitMix64.DeriveInt(options.Seed, InputStream));
        System.Random outputRng = new(SplitMix64.DeriveInt(options.Seed, OutputStream));
        System.Random groupRng = new(SplitMix64.DeriveInt(options.Seed, GroupStream));
        var requests = new WorkloadRequest[options.Count];
        for (int i = 0; i < requests.Length; i++)
        {
            int input = options.Input.Sample(inputRng);
            int output = options.Output.Sample(outputRng);
            string source = "synthetic:" + i.ToString(CultureInfo.InvariantCulture);
            if (options.PrefixGroups == 0)
            {
                requests[i] = new WorkloadRequest(i, null, input, output, source);
                continue;
            }

            int group = groupRng.Next(options.PrefixGroups);
            requests[i] = new WorkloadRequest(i, null, Math.Max(input, options.PrefixTokens + 1), output, source)
            {
                PrefixGroup = group,
                PrefixBlocks = [PrefixBlockIdBase + group],
                PrefixBlockTokens = options.PrefixTokens,
            };
        }

        return requests;
    }
}
