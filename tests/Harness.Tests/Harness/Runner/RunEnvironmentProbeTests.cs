using Harness.Results;
using Harness.Runner;

namespace Harness.Tests.Harness.Runner;

public sealed class RunEnvironmentProbeTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";

    [Fact]
    public void ReadsAWorktreeCommitThroughGitdirCommondirAndPackedRefs()
    {
        string root = Directory.CreateTempSubdirectory("probe-").FullName;
        try
        {
            string common = Path.Combine(root, "main", ".git");
            string worktreeGit = Path.Combine(common, "worktrees", "wt");
            string work = Path.Combine(root, "wt", "sub");
            Directory.CreateDirectory(worktreeGit);
            Directory.CreateDirectory(work);
            File.WriteAllText(Path.Combine(root, "wt", ".git"), $"gitdir: {worktreeGit}\n");
            File.WriteAllText(Path.Combine(worktreeGit, "HEAD"), "ref: refs/heads/runner\n");
            File.WriteAllText(Path.Combine(worktreeGit, "commondir"), "../..\n");
            File.WriteAllText(Path.Combine(common, "packed-refs"), $"# pack-refs with: peeled\n{Sha} refs/heads/runner\n");

            Assert.Equal(Sha, RunEnvironmentProbe.GitCommit(work));

            // A loose ref wins over the packed one, as in git.
            string loose = "fedcba9876543210fedcba9876543210fedcba98";
            Directory.CreateDirectory(Path.Combine(common, "refs", "heads"));
            File.WriteAllText(Path.Combine(common, "refs", "heads", "runner"), loose + "\n");
            Assert.Equal(loose, RunEnvironmentProbe.GitCommit(work));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void OutsideARepositoryTheCommitIsNull()
    {
        string dir = Directory.CreateTempSubdirectory("probe-").FullName;
        try
        {
            // /tmp is not inside a repository on the machines this runs on.
            Assert.Null(RunEnvironmentProbe.GitCommit(dir));
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact]
    public void DescribesThisMachine()
    {
        RunEnvironment env = RunEnvironmentProbe.Probe();
        Assert.Equal(Environment.ProcessorCount, env.Cores);
        Assert.True(env.MemoryBytes > 100L << 20);
        Assert.Contains(".NET", env.Dotnet, StringComparison.Ordinal);
        Assert.Matches(@"^\d+\.\d+\.\d+", env.Packages["YamlDotNet"]);
        Assert.Matches(@"^\d+\.\d+\.\d+", env.Packages["Spectre.Console"]);
        Assert.NotEqual("unknown", env.Cpu);
    }
}
