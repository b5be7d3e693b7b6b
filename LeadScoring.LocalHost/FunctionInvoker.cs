using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace LeadScoring.LocalHost;

/// <summary>
/// Calls a function method the way the Functions worker does: an instance of its class made from DI for each
/// invocation (static methods need none), the trigger's value, a CancellationToken and a [DurableClient] bound by
/// type, and the returned Task awaited for its result.
/// </summary>
internal static class FunctionInvoker
{
    /// <summary>Invokes <paramref name="entry"/>; <paramref name="bind"/> supplies trigger-specific parameters (null: not its to bind).</summary>
    public static async Task<object?> InvokeAsync(FunctionEntry entry, IServiceProvider services, Func<ParameterInfo, (bool Bound, object? Value)> bind, CancellationToken cancellationToken)
    {
        var method = entry.Method;
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
        var arguments = method.GetParameters().Select(parameter =>
        {
            if (bind(parameter) is (true, var value))
            {
                return value;
            }

            if (parameter.ParameterType == typeof(CancellationToken))
            {
                return cancellationToken;
            }

            if (parameter.GetCustomAttribute<DurableClientAttribute>() is not null)
            {
                return services.GetRequiredService<DurableTaskClient>();
            }

            throw new InvalidOperationException($"The local host cannot bind parameter '{parameter.Name}' ({parameter.ParameterType.Name}) of function {entry.Name}.");
        }).ToArray();

        object? returned;
        try
        {
            returned = method.Invoke(target, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }

        if (returned is not Task task)
        {
            return returned;
        }

        // No ConfigureAwait(false): an orchestrator's continuation must stay on the Durable worker's orchestration
        // scheduler, or the episode ends before the orchestrator's task completes and the orchestration never finishes.
        await task;
        return ResultType(method) is null ? null : task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task);
    }

    /// <summary>T of a Task&lt;T&gt; (or the plain return type); null for Task and void.</summary>
    public static Type? ResultType(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var type = method.ReturnType;
        if (type == typeof(void) || type == typeof(Task) || type == typeof(ValueTask))
        {
            return null;
        }

        return type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>))
            ? type.GetGenericArguments()[0]
            : type;
    }
}
