using System.Globalization;
using LeadScoring.Core.Learning;

namespace LeadScoring.Cli;

/// <summary>The parsed <c>backtest</c> command line.</summary>
internal sealed record BacktestArguments(
    string Csv,
    string Label,
    string Positive,
    char Separator,
    IReadOnlyList<string> Exclude,
    SplitMode Split,
    int Folds,
    string? Report,
    int Seed,
    CalibrationMethod Calibration)
{
    public const string Usage = """
        usage: LeadScoring.Cli backtest --csv FILE --label COLUMN --positive VALUE [options]
          --separator C         field separator: one character, or 'tab' (default ,)
          --exclude A,B         columns to leave out, e.g. fields known only after the outcome
          --split MODE          random (stratified k-fold, default) or chronological (file order is time order:
                                train on the first 80 %, test on the last 20 %)
          --folds N             folds of the random split, 2-20 (default 5)
          --report DIR          write summary.md and roc.png, calibration.png, lift.png there
          --seed N              seed for folds, bootstrap and the learner (default 1)
          --calibration M       platt (default) or isotonic
        """;

    /// <summary>Parses; on a bad command line returns null and one line naming the option at fault.</summary>
    public static BacktestArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] known = ["--csv", "--label", "--positive", "--separator", "--exclude", "--split", "--folds", "--report", "--seed", "--calibration"];
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (!known.Contains(name))
            {
                error = $"unknown option '{name}' (see --help)";
                return null;
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    error = $"option {name} needs a value";
                    return null;
                }

                value = args[++i];
            }

            if (!values.TryAdd(name, value))
            {
                error = $"option {name} is given twice";
                return null;
            }
        }

        foreach (var required in new[] { "--csv", "--label", "--positive" })
        {
            if (!values.TryGetValue(required, out var v) || string.IsNullOrWhiteSpace(v))
            {
                error = $"option {required} is required";
                return null;
            }
        }

        var separatorText = values.GetValueOrDefault("--separator", ",");
        char separator;
        if (separatorText is "tab" or "\\t")
        {
            separator = '\t';
        }
        else if (separatorText.Length == 1 && separatorText[0] is not ('"' or '\r' or '\n'))
        {
            separator = separatorText[0];
        }
        else
        {
            error = $"option --separator '{separatorText}' must be one character (or 'tab'), not a quote or newline";
            return null;
        }

        if (!TryChoice(values, "--split", SplitMode.Random, out var split, ref error)
            || !TryChoice(values, "--calibration", CalibrationMethod.Platt, out var calibration, ref error))
        {
            return null;
        }

        if (!TryInt(values, "--folds", 5, 2, 20, out var folds, ref error) || !TryInt(values, "--seed", 1, 0, int.MaxValue, out var seed, ref error))
        {
            return null;
        }

        var exclude = values.TryGetValue("--exclude", out var excludeText)
            ? excludeText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];
        return new BacktestArguments(values["--csv"], values["--label"], values["--positive"], separator, exclude, split, folds, values.GetValueOrDefault("--report"), seed, calibration);
    }

    /// <summary>An enum option written in lower case (random, chronological, platt, isotonic).</summary>
    private static bool TryChoice<T>(Dictionary<string, string> values, string name, T fallback, out T result, ref string? error)
        where T : struct, Enum
    {
        result = fallback;
        if (!values.TryGetValue(name, out var text))
        {
            return true;
        }

        var choices = Enum.GetNames<T>().Select(n => n.ToLowerInvariant()).ToArray();
        if (choices.Contains(text, StringComparer.Ordinal))
        {
            result = Enum.Parse<T>(text, ignoreCase: true);
            return true;
        }

        error = $"option {name} '{text}' must be {string.Join(" or ", choices)}";
        return false;
    }

    private static bool TryInt(Dictionary<string, string> values, string name, int fallback, int min, int max, out int result, ref string? error)
    {
        result = fallback;
        if (!values.TryGetValue(name, out var text))
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out result) && result >= min && result <= max)
        {
            return true;
        }

        error = $"option {name} '{text}' must be a whole number from {min} to {max}";
        return false;
    }
}
