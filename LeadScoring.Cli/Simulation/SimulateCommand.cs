using System.Globalization;
using LeadScoring.HubSpotEmulator.Simulation;

namespace LeadScoring.Cli.Simulation;

/// <summary>
/// <c>simulate</c>: runs <see cref="WeeklySimulation"/> and prints the week-by-week table, the success metrics and the
/// closing line. Exit codes: 0 done, 2 bad command line (one line on stderr naming the flag), 1 anything else.
/// </summary>
internal static class SimulateCommand
{
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        if (args.Any(a => a is "--help" or "-h"))
        {
            stdout.WriteLine(SimulateArguments.Usage);
            return BacktestCommand.Ok;
        }

        var options = SimulateArguments.Parse(args, out var error);
        if (options is null)
        {
            stderr.WriteLine($"error: {error}");
            return BacktestCommand.BadInput;
        }

        try
        {
            var runs = options.Compare
                ? [options with { Order = WorkOrder.Score }, options with { Order = WorkOrder.Arrival }]
                : new[] { options };
            var results = new List<SimulationResult>();
            foreach (var run in runs)
            {
                stdout.WriteLine(Invariant($"Simulating {run.Weeks} weeks, seed {run.Seed}, order {run.Order.ToString().ToLowerInvariant()}, explore {run.Explore:0.##}, {run.ContactsPerWeek} new leads and capacity {run.Capacity} a week, portal of {run.PortalContacts} contacts"));
                stdout.WriteLine(SimulationReport.Header);
                var result = WeeklySimulation.RunAsync(run, row => stdout.WriteLine(SimulationReport.Line(row)), cancellationToken).GetAwaiter().GetResult();
                SimulationReport.WriteSummary(stdout, result);
                results.Add(result);
            }

            if (results.Count == 2)
            {
                stdout.WriteLine(Invariant($"lead-to-close: score order {results[0].LeadToClose:P1} vs arrival order {results[1].LeadToClose:P1}"));
            }

            return BacktestCommand.Ok;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("error: cancelled");
            return BacktestCommand.Failed;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return BacktestCommand.Failed;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
