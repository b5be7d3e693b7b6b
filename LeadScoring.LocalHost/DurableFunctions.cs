using Microsoft.DurableTask;

namespace LeadScoring.LocalHost;

/// <summary>The orchestrators and activities the Durable Task worker was given, by name.</summary>
internal sealed class DurableRegistrations
{
    public List<string> Orchestrators { get; } = [];

    public List<string> Activities { get; } = [];
}

/// <summary>
/// The app's <c>[OrchestrationTrigger]</c> and <c>[ActivityTrigger]</c> functions registered with the Durable Task
/// worker under their function names — the names the app schedules and calls them by, as in Durable Functions. An
/// orchestrator's input is its second parameter (or none); an activity's is its trigger parameter.
/// </summary>
internal static class DurableFunctions
{
    /// <summary>Registers every orchestrator and activity; <paramref name="served"/> records what was (the metadata contract test reads it).</summary>
    public static void Register(FunctionCatalog catalog, DurableTaskRegistry registry, DurableRegistrations served)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(served);
        foreach (var entry in catalog.Of(TriggerKind.OrchestrationTrigger))
        {
            if (!entry.Method.IsStatic)
            {
                throw new InvalidOperationException($"Orchestrator {entry.Name} must be static: orchestrators only coordinate, with no services.");
            }

            var orchestrator = new FunctionOrchestrator(entry);
            registry.AddOrchestrator(entry.Name, () => orchestrator);
            served.Orchestrators.Add(entry.Name);
        }

        foreach (var entry in catalog.Of(TriggerKind.ActivityTrigger))
        {
            registry.AddActivity(entry.Name, services => new FunctionActivity(entry, services));
            served.Activities.Add(entry.Name);
        }
    }

    private sealed class FunctionOrchestrator(FunctionEntry entry) : ITaskOrchestrator
    {
        private readonly System.Reflection.ParameterInfo? _input = entry.Method.GetParameters().FirstOrDefault(p => FunctionEntry.TriggerOf(p) is null && p.ParameterType != typeof(CancellationToken));

        public Type InputType => _input?.ParameterType ?? typeof(object);

        public Type OutputType => FunctionInvoker.ResultType(entry.Method) ?? typeof(object);

        public Task<object?> RunAsync(TaskOrchestrationContext context, object? input) =>
            FunctionInvoker.InvokeAsync(entry, EmptyServices.Instance, p =>
                p.ParameterType == typeof(TaskOrchestrationContext) ? (true, context)
                : p.Position == _input?.Position ? (true, input)
                : (false, null), CancellationToken.None);
    }

    private sealed class FunctionActivity(FunctionEntry entry, IServiceProvider services) : ITaskActivity
    {
        public Type InputType => entry.TriggerParameter.ParameterType;

        public Type OutputType => FunctionInvoker.ResultType(entry.Method) ?? typeof(object);

        public Task<object?> RunAsync(TaskActivityContext context, object? input) =>
            FunctionInvoker.InvokeAsync(entry, services, p => FunctionEntry.TriggerOf(p) == TriggerKind.ActivityTrigger ? (true, input) : (false, null), CancellationToken.None);
    }

    /// <summary>Orchestrators are static and take no services: they only coordinate (no I/O, deterministic).</summary>
    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
