using Harness.Metrics;

namespace Harness.Runner;

/// <summary>Progress of one variant; <see cref="RequestDone"/> may be called from several threads at once.</summary>
internal interface IVariantProgress
{
    void RequestDone(RequestRecord record);

    /// <summary>The variant is done (or stopped); <paramref name="summary"/> is a one-line result.</summary>
    void Finish(string summary);
}
