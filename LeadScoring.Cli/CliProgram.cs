namespace LeadScoring.Cli;

/// <summary>Entry point: <c>LeadScoring.Cli backtest …</c> or <c>simulate …</c>; Ctrl+C stops between training rounds.</summary>
internal static class CliProgram
{
    internal static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return args is ["simulate", ..]
            ? Simulation.SimulateCommand.Run(args[1..], Console.Out, Console.Error, cancel.Token)
            : BacktestCommand.Run(args, Console.Out, Console.Error, cancel.Token);
    }
}
