using Microsoft.AspNetCore.Routing;

namespace LeadScoring.LocalHost;

/// <summary>
/// The HTTP functions as ASP.NET Core endpoints: each <c>[HttpTrigger]</c>'s route (under host.json's routePrefix) and
/// methods, the request and route values bound by name, the IResult executed — as the Functions worker's ASP.NET Core
/// integration does. An exception gives a 500, as in the Functions host.
/// </summary>
internal static partial class HttpTriggers
{
    public static IEndpointRouteBuilder MapHttpFunctions(this IEndpointRouteBuilder endpoints, FunctionCatalog catalog, string routePrefix)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var prefix = routePrefix.Trim('/');
        foreach (var entry in catalog.Of(TriggerKind.HttpTrigger))
        {
            var template = "/" + string.Join('/', new[] { prefix, entry.Route!.Trim('/') }.Where(p => p.Length > 0));
            endpoints.MapMethods(template, [.. entry.HttpMethods.Select(m => m.ToUpperInvariant())], (HttpContext http) => InvokeAsync(entry, http)).WithName(entry.Name);
        }

        return endpoints;
    }

    private static async Task InvokeAsync(FunctionEntry entry, HttpContext http)
    {
        object? result;
        try
        {
            result = await FunctionInvoker.InvokeAsync(entry, http.RequestServices, parameter =>
            {
                if (parameter.ParameterType == typeof(HttpRequest))
                {
                    return (true, http.Request);
                }

                if (parameter.ParameterType == typeof(string) && parameter.Name is { } name && http.Request.RouteValues.ContainsKey(name))
                {
                    return (true, http.GetRouteValue(name)?.ToString());
                }

                return parameter.ParameterType == typeof(string) && parameter.Name is not null && entry.Route!.Contains($"{{{parameter.Name}", StringComparison.Ordinal)
                    ? (true, null) // an optional route value that is absent
                    : (false, null);
            }, http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            LogFailed(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("LeadScoring.LocalHost.HttpTriggers"), ex, entry.Name);
            if (!http.Response.HasStarted)
            {
                http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }

            return;
        }

        switch (result)
        {
            case IResult httpResult:
                await httpResult.ExecuteAsync(http);
                break;
            case null:
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                throw new InvalidOperationException($"Function {entry.Name} returned {result.GetType().Name}; HTTP functions here return IResult.");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function);
}
