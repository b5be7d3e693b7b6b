using Microsoft.DurableTask;

namespace LeadScoring.LocalHost;

/// <summary>
/// The app's <c>[OrchestrationTrigger]</c> and <c>[ActivityTrigger]</c> functions registered with the Durable Task
/// worker under their function names — the names the app schedules and calls them by, as in Durable Functions. An
/// orchestrator's input is its second parameter (or none); an activity's is its trigger parameter.
/// </summary>
internal static class DurableFunctions
{
    public static void Register(FunctionCatalog catalog, DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var entry in catalog.Of(TriggerKind.OrchestrationTrigger))
        {
            var orchestrator = new FunctionOrchestrator(entry);
            registry.AddOrchestrator(entry.Name, () => orchestrator);
        }

        foreach (var entry in catalog.Of(TriggerKind.ActivityTrigger))
        {
            registry.AddActivity(entry.Name, services => new FunctionActivity(entry, services));
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
                : p == _input ? (true, input)
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
