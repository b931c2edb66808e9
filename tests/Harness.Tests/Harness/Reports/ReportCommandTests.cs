using System.CommandLine;
using Harness.Cli;

namespace Harness.Tests.Harness.Reports;

public sealed class ReportCommandTests
{
    [Fact]
    public void MissingRunDirectoryIsBadInput()
    {
        ParseResult parse = CommandLineBuilder.Build().Parse(["report", "/nonexistent/harness-run-dir"]);
        Assert.Empty(parse.Errors);

        var ex = Assert.Throws<HarnessInputException>(() => parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
        Assert.Contains("/nonexistent/harness-run-dir", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunDirectoryArgumentIsRequired()
    {
        Assert.NotEmpty(CommandLineBuilder.Build().Parse(["report"]).Errors);
    }
}
