using System.Text.Json.Nodes;

namespace LeadScoring.HubSpotEmulator.Faults;

/// <summary>A fault queued through <c>POST /_emulator/faults</c>: the next <see cref="Remaining"/> matching requests answer
/// <see cref="Status"/> — after hanging <see cref="HangSeconds"/> first, when set (a gateway that holds the call).</summary>
internal sealed record FaultRule(long Id, int Status, int Remaining, int? RetryAfterSeconds, string? PathContains, string? PolicyName, int? HangSeconds = null)
{
    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["status"] = Status,
        ["remaining"] = Remaining,
        ["retryAfterSeconds"] = RetryAfterSeconds,
        ["pathContains"] = PathContains,
        ["policyName"] = PolicyName,
        ["hangSeconds"] = HangSeconds,
    };
}

internal enum RandomFault
{
    None,
    BadGateway,
    ServiceUnavailable,
    GatewayTimeout,
    Hang,
}

/// <summary>
/// Injected faults (admin rules, consumed in order) and random ones (<c>--fault-rate</c>). Random faults come from
/// their own seeded generator, so the same seed and the same request sequence fail the same requests.
/// </summary>
internal sealed class FaultInjector(EmulatorOptions options)
{
    private readonly Lock _gate = new();
    private readonly List<FaultRule> _rules = [];
    private Random _random = new(unchecked(options.Seed + 7919));
    private long _lastId;
    private double _rate = options.FaultRate;

    /// <summary>Share of API calls that fail at random: --fault-rate at start, changed by <c>PUT /_emulator/fault-rate</c> (an outage drill).</summary>
    public double Rate
    {
        get => Volatile.Read(ref _rate);
        set => Volatile.Write(ref _rate, value);
    }

    public FaultRule Add(int status, int count, int? retryAfterSeconds, string? pathContains, string? policyName, int? hangSeconds = null)
    {
        lock (_gate)
        {
            var rule = new FaultRule(++_lastId, status, count, retryAfterSeconds, pathContains, policyName, hangSeconds);
            _rules.Add(rule);
            return rule;
        }
    }

    public IReadOnlyList<FaultRule> Rules()
    {
        lock (_gate)
        {
            return [.. _rules];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
            _random = new Random(unchecked(options.Seed + 7919));
        }
    }

    /// <summary>The first queued rule matching <paramref name="path"/>, with one use consumed.</summary>
    public FaultRule? TakeInjected(string path)
    {
        lock (_gate)
        {
            var index = _rules.FindIndex(r => r.PathContains is null || path.Contains(r.PathContains, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return null;
            }

            var rule = _rules[index];
            if (rule.Remaining <= 1)
            {
                _rules.RemoveAt(index);
            }
            else
            {
                _rules[index] = rule with { Remaining = rule.Remaining - 1 };
            }

            return rule;
        }
    }

    public RandomFault NextRandom()
    {
        var rate = Rate;
        if (rate <= 0)
        {
            return RandomFault.None;
        }

        lock (_gate)
        {
            if (_random.NextDouble() >= rate)
            {
                return RandomFault.None;
            }

            return (RandomFault)_random.Next(1, 5);
        }
    }
}
