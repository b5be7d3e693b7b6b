using System.Globalization;

namespace LeadScoring.Benchmarks.Pipeline;

/// <summary>One <c>--flag value</c> pair being applied; its helpers read the value or record why it can't be read.</summary>
internal sealed class HarnessFlag(string name, string value)
{
    public string Name { get; } = name;

    public string Value { get; } = value;

    /// <summary>The first problem found with the value, naming the flag; null while none.</summary>
    public string? Error { get; private set; }

    public int Whole(int min, int max)
    {
        if (int.TryParse(Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        Error ??= string.Create(CultureInfo.InvariantCulture, $"{Name} must be a whole number between {min} and {max} (got '{Value}').");
        return 0;
    }

    public double Number(double min, double max)
    {
        if (double.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        Error ??= string.Create(CultureInfo.InvariantCulture, $"{Name} must be a number between {min} and {max} (got '{Value}').");
        return 0;
    }

    /// <summary>Records <paramref name="message"/> and hands back <paramref name="unchanged"/>, for a switch arm.</summary>
    public T Fail<T>(T unchanged, string message)
    {
        Error ??= message;
        return unchanged;
    }
}

/// <summary>The command-line reading the load harnesses (<c>--pipeline</c>, <c>--api-budget</c>) share: <c>--flag value</c> pairs in order.</summary>
internal static class HarnessFlags
{
    /// <summary>
    /// Applies each pair of a <paramref name="known"/> flag to <paramref name="options"/> through <paramref name="apply"/>
    /// (which reports bad values through the <see cref="HarnessFlag"/>); then <paramref name="check"/> judges the whole. An error
    /// names the flag; an empty error means help was asked for.
    /// </summary>
    public static (T? Options, string? Error) Parse<T>(
        IReadOnlyList<string> args, IReadOnlyCollection<string> known, T options, Func<T, HarnessFlag, T> apply, Func<T, string?> check)
        where T : class
    {
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                return (null, "");
            }

            if (!known.Contains(name))
            {
                return (null, $"unknown flag {name}.");
            }

            if (i + 1 >= args.Count)
            {
                return (null, $"{name} needs a value.");
            }

            var flag = new HarnessFlag(name, args[++i]);
            options = apply(options, flag);
            if (flag.Error is not null)
            {
                return (null, flag.Error);
            }
        }

        return check(options) is { } error ? (null, error) : (options, null);
    }
}
