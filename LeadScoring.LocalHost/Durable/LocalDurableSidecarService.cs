using System.Diagnostics;
using System.Net;
using DurableTask.Core;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadScoring.LocalHost.Durable;

/// <summary>
/// First of the engine's hosted services: creates the task hub (the sidecar does not), then serves the in-process
/// gRPC sidecar (<see cref="TaskHubGrpcServer"/>) on its own small Kestrel, HTTP/2 without TLS on a loopback port, so
/// it listens before the worker's hosted service starts. The sidecar starts its dispatchers (and the backend) once
/// the worker connects. On stop: the sidecar's server, then the backend (forced: in-flight sessions dropped, leases
/// released), so a new host can take the partitions at once.
/// </summary>
internal sealed partial class LocalDurableSidecarService(LocalDurableEngine engine, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    /// <summary>How long the sidecar's server waits for open calls when it stops (the host's default is 30 s).</summary>
    internal static readonly TimeSpan ServerShutdownTimeout = TimeSpan.FromSeconds(2);

    private readonly ILogger _log = loggerFactory.CreateLogger<LocalDurableSidecarService>();
    private WebApplication? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await engine.Backend.CreateIfNotExistsAsync().WaitAsync(cancellationToken);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "LeadScoring.LocalHost.DurableSidecar" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, engine.Port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(engine);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ServerShutdownTimeout);
        builder.Services.AddRouting();
        builder.Services.AddGrpc(o => o.Interceptors.Add<WorkerConnectionInterceptor>());
        builder.Services.AddSingleton<IOrchestrationService>(engine.Backend);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(engine.Backend);
        builder.Services.AddSingleton<TaskHubGrpcServer>();

        var server = builder.Build();
        server.MapGrpcService<TaskHubGrpcServer>();
        await server.StartAsync(cancellationToken);
        _server = server;
        LogListening(engine.Address, engine.Options.TaskHubName, watch.ElapsedMilliseconds);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();

        // The worker has stopped (it started after this service, so it stops before it), but its work-item stream
        // stays open until its channel goes, and the server would wait for it (its whole shutdown timeout).
        engine.WorkerChannel.Dispose();
        if (_server is { } server)
        {
            await server.StopAsync(cancellationToken);
        }

        var serverStopped = watch.ElapsedMilliseconds;

        try
        {
            await engine.Backend.StopAsync(isForced: true).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host gave up waiting: leases expire on their own.
        }

        LogStopped(serverStopped, watch.ElapsedMilliseconds - serverStopped);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { } server)
        {
            await server.DisposeAsync();
        }
    }

    [LoggerMessage(LogLevel.Information, "Durable sidecar listening on {Address} (task hub {TaskHub}) after {Milliseconds} ms")]
    private partial void LogListening(Uri address, string taskHub, long milliseconds);

    [LoggerMessage(LogLevel.Information, "Durable sidecar server stopped in {ServerMilliseconds} ms, backend in {BackendMilliseconds} ms")]
    private partial void LogStopped(long serverMilliseconds, long backendMilliseconds);

    /// <summary>Tells the engine when the worker opens its work-item stream (GetWorkItems).</summary>
    internal sealed class WorkerConnectionInterceptor(LocalDurableEngine engine) : Interceptor
    {
        public override Task ServerStreamingServerHandler<TRequest, TResponse>(
            TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
            ServerStreamingServerMethod<TRequest, TResponse> continuation)
        {
            if (context.Method.EndsWith("/GetWorkItems", StringComparison.Ordinal))
            {
                engine.OnWorkerConnected();
            }

            return continuation(request, responseStream, context);
        }
    }
}
