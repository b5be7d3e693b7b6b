using System.Diagnostics;
using System.Globalization;
using LeadScoring.Core.Learning;

namespace LeadScoring.Cli;

/// <summary>
/// <c>backtest</c>: reads a CSV export, scans for leaks, backtests the product's learner and prints (and optionally
/// writes) the report. Exit codes: 0 done, 2 bad command line or unusable CSV (one line on stderr), 1 anything else.
/// </summary>
internal static class BacktestCommand
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        if (args.Count == 0 || args[0] is "--help" or "-h" or "help")
        {
            stdout.WriteLine(BacktestArguments.Usage);
            return args.Count == 0 ? BadInput : Ok;
        }

        if (args[0] != "backtest")
        {
            stderr.WriteLine($"error: unknown command '{args[0]}': the commands are backtest and simulate (see --help)");
            return BadInput;
        }

        if (args.Skip(1).Any(a => a is "--help" or "-h"))
        {
            stdout.WriteLine(BacktestArguments.Usage);
            return Ok;
        }

        var options = BacktestArguments.Parse([.. args.Skip(1)], out var error);
        if (options is null)
        {
            stderr.WriteLine($"error: {error}");
            return BadInput;
        }

        try
        {
            return Backtest(options, stdout, cancellationToken);
        }
        catch (CsvTableException e)
        {
            stderr.WriteLine($"error: {options.Csv}: {e.Message}");
            return BadInput;
        }
        catch (ArgumentException e) when (e.ParamName == "data")
        {
            // The learner refuses a training share with one class: too few rows of a class for this split.
            stderr.WriteLine($"error: {options.Csv}: {e.Message.Split(" (Parameter", 2)[0]}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("error: cancelled");
            return Failed;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return Failed;
        }
    }

    private static int Backtest(BacktestArguments options, TextWriter stdout, CancellationToken cancellationToken)
    {
        var progress = new InlineProgress(stdout);
        var clock = Stopwatch.StartNew();
        var data = CsvFeatureTableReader.Read(options.Csv, new CsvTableOptions(options.Label, options.Positive)
        {
            Separator = options.Separator,
            Exclude = options.Exclude,
        });
        stdout.WriteLine(Invariant($"Read {data.RowCount:N0} rows × {data.Features.Columns.Count} feature columns from {options.Csv} in {clock.Elapsed.TotalSeconds:0.0} s: {data.Positives:N0} positive ('{options.Positive}'), {(double)data.Positives / data.RowCount:P1}"));
        stdout.WriteLine("Columns: " + string.Join(", ", data.Features.Columns.Select(c => $"{c.Name} ({c.Kind.ToString().ToLowerInvariant()})")));
        if (options.Exclude.Count > 0)
        {
            stdout.WriteLine("Excluded: " + string.Join(", ", options.Exclude));
        }

        var learner = new TabularLearner(new LearnerOptions { Seed = options.Seed, Calibration = options.Calibration });
        // The drop-column check trains 1 + candidates models; a faster schedule is enough to see a column carry the model.
        var scanLearner = new TabularLearner(learner.Options with { NumberOfTrees = 150, LearningRate = 0.1 });
        stdout.WriteLine();
        stdout.WriteLine("Leakage scan (each column alone, out-of-fold AUC; the strongest also dropped from the model):");
        var leakage = LeakageScan.Scan(data, scanLearner, candidates: 3, seed: options.Seed, progress, cancellationToken);
        foreach (var column in leakage)
        {
            var drop = column.AucDrop is { } d ? Invariant($"  without it: −{d:0.000}") : "";
            stdout.WriteLine(Invariant($"  {column.Column,-24} {column.AucAlone:0.000}{drop}"));
        }

        foreach (var leak in leakage.Where(c => c.Flagged))
        {
            stdout.WriteLine(leak.ProbableLeak
                ? $"WARNING: '{leak.Column}' is a probable leak: {leak.Reason}. If it is known only after the outcome, rerun with --exclude {leak.Column}."
                : $"WARNING: '{leak.Column}' is dominant: {leak.Reason}. Check it is recorded before the outcome; if not, rerun with --exclude {leak.Column}.");
        }

        stdout.WriteLine();
        stdout.WriteLine(options.Split == SplitMode.Random
            ? $"Backtest: stratified {options.Folds}-fold cross-validation"
            : "Backtest: chronological (file order): train on the first 80 %, test on the last 20 %");
        var result = new Backtester(learner).Run(
            data,
            new BacktestOptions { Split = options.Split, Folds = options.Folds, Seed = options.Seed },
            progress,
            cancellationToken);
        var m = result.Metrics;
        stdout.WriteLine();
        stdout.WriteLine(Invariant($"AUC       {m.Auc:0.000}  (95 % bootstrap interval {m.AucInterval.Low:0.000}–{m.AucInterval.High:0.000}; {m.Rows:N0} test rows, {m.Positives:N0} positive)"));
        if (result.Folds.Count > 1)
        {
            stdout.WriteLine("  per fold " + string.Join("  ", result.Folds.Select(f => Invariant($"{f.Auc:0.000}"))));
        }

        stdout.WriteLine(Invariant($"PR-AUC    {m.PrAuc:0.000}  (base rate {(double)m.Positives / m.Rows:0.000})"));
        stdout.WriteLine(Invariant($"log loss  {m.LogLoss:0.0000}"));
        stdout.WriteLine(Invariant($"ECE       {m.Ece:0.0000}  (10 equal-width bins)"));
        stdout.WriteLine(Invariant($"lift@10%  {m.LiftAt10Percent:0.00}"));
        stdout.WriteLine("Lift by decile (1 = highest scores):");
        stdout.WriteLine("  decile   rows  positive  rate    mean p   lift");
        foreach (var d in m.Deciles)
        {
            stdout.WriteLine(Invariant($"  {d.Decile,6} {d.Rows,6} {d.Positives,9}  {d.PositiveRate,6:0.000}  {d.MeanProbability,6:0.000}  {d.Lift,5:0.00}"));
        }

        if (options.Report is not null)
        {
            var written = BacktestReport.Write(options.Report, options, data, leakage, result);
            stdout.WriteLine($"Report written to {written}");
        }

        stdout.WriteLine(Invariant($"Done in {clock.Elapsed.TotalSeconds:0.0} s."));
        return Ok;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes progress as it happens (Progress&lt;T&gt; would post it to the thread pool, out of order).</summary>
    private sealed class InlineProgress(TextWriter writer) : IProgress<string>
    {
        public void Report(string value)
        {
            writer.WriteLine("  " + value);
            writer.Flush();
        }
    }
}
