using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace LeadScoring.LocalHost;

/// <summary>How a function is triggered, as the Functions host names the binding in functions.metadata.</summary>
internal enum TriggerKind
{
    HttpTrigger,
    QueueTrigger,
    TimerTrigger,
    OrchestrationTrigger,
    ActivityTrigger,
}

/// <summary>One <c>[Function]</c> method and what triggers it: route and methods, queue, or schedule.</summary>
internal sealed record FunctionEntry(
    string Name, MethodInfo Method, TriggerKind Trigger, string? Route, IReadOnlyList<string> HttpMethods, string? QueueName, string? Schedule)
{
    /// <summary>The parameter the trigger binds to.</summary>
    public ParameterInfo TriggerParameter => Method.GetParameters().First(p => TriggerOf(p) is not null);

    internal static TriggerKind? TriggerOf(ParameterInfo parameter) => parameter.GetCustomAttributes(inherit: false).Select(a => a switch
    {
        HttpTriggerAttribute => TriggerKind.HttpTrigger,
        QueueTriggerAttribute => TriggerKind.QueueTrigger,
        TimerTriggerAttribute => TriggerKind.TimerTrigger,
        OrchestrationTriggerAttribute => TriggerKind.OrchestrationTrigger,
        ActivityTriggerAttribute => TriggerKind.ActivityTrigger,
        _ => (TriggerKind?)null,
    }).FirstOrDefault(k => k is not null);
}

/// <summary>
/// Every <c>[Function]</c> of the app, read from the same attributes the Worker SDK reads to write functions.metadata
/// (a test holds the two to each other). The local host serves exactly these: HTTP routes, queue and timer triggers,
/// orchestrators and activities.
/// </summary>
internal sealed class FunctionCatalog
{
    private FunctionCatalog(IReadOnlyList<FunctionEntry> functions) => Functions = functions;

    public IReadOnlyList<FunctionEntry> Functions { get; }

    public IEnumerable<FunctionEntry> Of(TriggerKind trigger) => Functions.Where(f => f.Trigger == trigger);

    /// <summary>The functions in <paramref name="assembly"/>.</summary>
    /// <exception cref="InvalidOperationException">A function has no trigger, or a parameter the local host cannot bind (named).</exception>
    public static FunctionCatalog Read(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var functions = new List<FunctionEntry>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
                {
                    continue;
                }

                var triggers = method.GetParameters().Where(p => FunctionEntry.TriggerOf(p) is not null).ToList();
                if (triggers.Count != 1)
                {
                    throw new InvalidOperationException($"Function {function.Name} ({type.Name}.{method.Name}) must have exactly one trigger parameter (has {triggers.Count}).");
                }

                var trigger = triggers[0];
                functions.Add(FunctionEntry.TriggerOf(trigger) switch
                {
                    TriggerKind.HttpTrigger => Http(function.Name, method, trigger.GetCustomAttribute<HttpTriggerAttribute>()!),
                    TriggerKind.QueueTrigger => new FunctionEntry(function.Name, method, TriggerKind.QueueTrigger, null, [], trigger.GetCustomAttribute<QueueTriggerAttribute>()!.QueueName, null),
                    TriggerKind.TimerTrigger => new FunctionEntry(function.Name, method, TriggerKind.TimerTrigger, null, [], null, trigger.GetCustomAttribute<TimerTriggerAttribute>()!.Schedule),
                    var kind => new FunctionEntry(function.Name, method, kind!.Value, null, [], null, null),
                });
            }
        }

        var duplicate = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two functions are named {duplicate.Key}.");
        }

        return new FunctionCatalog([.. functions.OrderBy(f => f.Name, StringComparer.Ordinal)]);
    }

    private static FunctionEntry Http(string name, MethodInfo method, HttpTriggerAttribute trigger)
    {
        if (trigger.AuthLevel != AuthorizationLevel.Anonymous)
        {
            // The app checks its callers itself (role keys, sessions, Entra ID); a host-level key would be a second lock.
            throw new InvalidOperationException($"Function {name} must be AuthorizationLevel.Anonymous (callers are checked by the app).");
        }

        return new FunctionEntry(name, method, TriggerKind.HttpTrigger, trigger.Route ?? name, [.. (trigger.Methods ?? ["get", "post"]).Select(m => m.ToLowerInvariant())], null, null);
    }
}
