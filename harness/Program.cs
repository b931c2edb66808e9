using System.CommandLine;
using Harness.Cli;
using Harness.Engines;

namespace Harness;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        RootCommand root = CommandLineBuilder.Build();
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {parse.Errors[0].Message} (see --help)");
            return ExitCodes.UsageError;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is EngineException or HarnessInputException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.UsageError;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (Environment.GetEnvironmentVariable("HARNESS_DEBUG") is null)
        {
            Console.Error.WriteLine($"error: {ex.GetType().Name}: {ex.Message} (set HARNESS_DEBUG=1 for the stack trace)");
            return ExitCodes.Failure;
        }
    }
}
