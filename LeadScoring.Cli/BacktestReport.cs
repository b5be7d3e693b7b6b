using System.Globalization;
using System.Text;
using LeadScoring.Core.Learning;
using ScottPlot;

namespace LeadScoring.Cli;

/// <summary>The report folder: summary.md and three PNG plots (ROC, calibration, lift by decile).</summary>
internal static class BacktestReport
{
    private const int Width = 640;
    private const int Height = 480;

    /// <summary>Writes the report and returns the full path of the folder.</summary>
    public static string Write(string folder, BacktestArguments options, LabeledTable data, IReadOnlyList<ColumnLeakage> leakage, BacktestResult result)
    {
        var directory = Directory.CreateDirectory(folder).FullName;
        var m = result.Metrics;
        WriteRoc(Path.Combine(directory, "roc.png"), m);
        WriteCalibration(Path.Combine(directory, "calibration.png"), m);
        WriteLift(Path.Combine(directory, "lift.png"), m);
        File.WriteAllText(Path.Combine(directory, "summary.md"), Summary(options, data, leakage, result), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return directory;
    }

    internal static string Summary(BacktestArguments options, LabeledTable data, IReadOnlyList<ColumnLeakage> leakage, BacktestResult result)
    {
        var m = result.Metrics;
        var s = new StringBuilder();
        void Line(FormattableString text) => s.AppendLine(text.ToString(CultureInfo.InvariantCulture));
        Line($"# Backtest of {Path.GetFileName(options.Csv)}");
        s.AppendLine();
        Line($"- label `{options.Label}` = `{options.Positive}`: {data.Positives:N0} of {data.RowCount:N0} rows ({(double)data.Positives / data.RowCount:P1})");
        Line($"- features ({data.Features.Columns.Count}): {string.Join(", ", data.Features.Columns.Select(c => c.Name))}");
        Line($"- excluded: {(options.Exclude.Count == 0 ? "nothing" : string.Join(", ", options.Exclude))}");
        Line($"- split: {(options.Split == SplitMode.Random ? $"stratified {options.Folds}-fold cross-validation (out-of-fold predictions pooled)" : "chronological: first 80 % of the file trains, last 20 % tests")}; seed {options.Seed}");
        Line($"- learner: LightGBM, {result.Folds.Count} model(s); {options.Calibration} calibration fitted on a held-out 20 % of each training set");
        s.AppendLine();
        s.AppendLine("| metric | value |");
        s.AppendLine("|---|---|");
        Line($"| AUC (95 % bootstrap interval) | {m.Auc:0.000} ({m.AucInterval.Low:0.000}–{m.AucInterval.High:0.000}) |");
        Line($"| PR-AUC (average precision) | {m.PrAuc:0.000} (base rate {(double)m.Positives / m.Rows:0.000}) |");
        Line($"| log loss | {m.LogLoss:0.0000} |");
        Line($"| ECE (10 equal-width bins) | {m.Ece:0.0000} |");
        Line($"| lift@10 % | {m.LiftAt10Percent:0.00} |");
        s.AppendLine();
        s.AppendLine("| fold | training rows | test rows | test positives | AUC | training time |");
        s.AppendLine("|---|---|---|---|---|---|");
        foreach (var f in result.Folds)
        {
            Line($"| {f.Fold} | {f.TrainingRows:N0} | {f.TestRows:N0} | {f.TestPositives:N0} | {f.Auc:0.000} | {f.TrainingTime.TotalSeconds:0.0} s |");
        }

        s.AppendLine();
        s.AppendLine("## Leakage scan");
        s.AppendLine();
        Line($"A column is a probable leak when alone it predicts the label with out-of-fold AUC > {LeakageScan.AloneThreshold}; it is dominant when the model loses more than {LeakageScan.DropThreshold} AUC without it — check that it is recorded before the outcome. Flagged columns are not excluded automatically.");
        s.AppendLine();
        s.AppendLine("| column | AUC alone | AUC lost without it | finding |");
        s.AppendLine("|---|---|---|---|");
        foreach (var c in leakage)
        {
            Line($"| {c.Column} | {c.AucAlone:0.000} | {(c.AucDrop is { } d ? d.ToString("0.000", CultureInfo.InvariantCulture) : "")} | {(c.ProbableLeak ? "**probable leak**: " + c.Reason : c.Dominant ? "**dominant**: " + c.Reason : "")} |");
        }

        s.AppendLine();
        s.AppendLine("## Lift by decile");
        s.AppendLine();
        s.AppendLine("| decile | rows | positives | rate | mean predicted | lift |");
        s.AppendLine("|---|---|---|---|---|---|");
        foreach (var d in m.Deciles)
        {
            Line($"| {d.Decile} | {d.Rows:N0} | {d.Positives:N0} | {d.PositiveRate:0.000} | {d.MeanProbability:0.000} | {d.Lift:0.00} |");
        }

        s.AppendLine();
        s.AppendLine("## Calibration");
        s.AppendLine();
        s.AppendLine("| predicted | rows | mean predicted | observed |");
        s.AppendLine("|---|---|---|---|");
        foreach (var b in m.Calibration.Where(b => b.Rows > 0))
        {
            Line($"| {b.Low:0.0}–{b.High:0.0} | {b.Rows:N0} | {b.MeanPredicted:0.000} | {b.ObservedRate:0.000} |");
        }

        s.AppendLine();
        s.AppendLine("![ROC](roc.png) ![Calibration](calibration.png) ![Lift](lift.png)");
        return s.ToString();
    }

    private static void WriteRoc(string path, ModelMetrics m) => WriteCurve(
        path,
        "ROC",
        ("false positive rate", m.Roc.Select(p => p.FalsePositiveRate)),
        ("true positive rate", m.Roc.Select(p => p.TruePositiveRate)),
        string.Create(CultureInfo.InvariantCulture, $"model, AUC {m.Auc:0.000}"),
        "chance",
        markers: false);

    private static void WriteCalibration(string path, ModelMetrics m)
    {
        var bins = m.Calibration.Where(b => b.Rows > 0).ToArray();
        WriteCurve(
            path,
            "Calibration",
            ("mean predicted probability", bins.Select(b => b.MeanPredicted)),
            ("observed positive rate", bins.Select(b => b.ObservedRate)),
            string.Create(CultureInfo.InvariantCulture, $"observed rate per bin, ECE {m.Ece:0.000}"),
            "perfectly calibrated",
            markers: true);
    }

    /// <summary>A curve in the unit square against the dashed diagonal (chance for ROC, perfection for calibration).</summary>
    private static void WriteCurve(string path, string title, (string Label, IEnumerable<double> Values) x, (string Label, IEnumerable<double> Values) y, string legend, string diagonalLegend, bool markers)
    {
        using var plot = new Plot();
        var curve = plot.Add.Scatter(x.Values.ToArray(), y.Values.ToArray());
        curve.LegendText = legend;
        if (!markers)
        {
            curve.MarkerSize = 0;
        }

        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = diagonalLegend;
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.Title(title);
        plot.XLabel(x.Label);
        plot.YLabel(y.Label);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, Width, Height);
    }

    private static void WriteLift(string path, ModelMetrics m)
    {
        using var plot = new Plot();
        var bars = plot.Add.Bars(m.Deciles.Select(d => d.Lift).ToArray());
        bars.LegendText = string.Create(CultureInfo.InvariantCulture, $"lift@10 % {m.LiftAt10Percent:0.00}");
        var baseline = plot.Add.HorizontalLine(1);
        baseline.LinePattern = LinePattern.Dashed;
        plot.Axes.Bottom.SetTicks([.. m.Deciles.Select(d => d.Decile - 1.0)], [.. m.Deciles.Select(d => d.Decile.ToString(CultureInfo.InvariantCulture))]);
        plot.Title("Lift by decile (1 = highest scores)");
        plot.XLabel("decile");
        plot.YLabel("positive rate / base rate");
        plot.ShowLegend();
        plot.SavePng(path, Width, Height);
    }
}
