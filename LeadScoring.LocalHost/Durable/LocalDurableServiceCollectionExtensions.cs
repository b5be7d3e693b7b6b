using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadScoring.LocalHost.Durable;

/// <summary>Registers the local durable engine in a normal <c>IHost</c> / <c>WebApplication</c>.</summary>
public static class LocalDurableServiceCollectionExtensions
{
    /// <summary>
    /// Registers DTFx's Azure Storage orchestration service on <see cref="LocalDurableOptions.StorageConnectionString"/>
    /// (behind the sidecar-compatibility wrapper), the task hub created at start, the Durable Task SDK's in-process gRPC
    /// sidecar on its own loopback HTTP/2 server, a gRPC <c>DurableTaskWorker</c> running <paramref name="registerTasks"/>'
    /// orchestrators and activities, and a gRPC <see cref="DurableTaskClient"/> singleton on a channel of its own.
    /// Hosted services, in start order: sidecar (task hub, server), worker, readiness (the host's start returns once
    /// the worker is connected and a client call succeeded). Once per container: the sidecar serves one worker.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static IServiceCollection AddLocalDurableTask(this IServiceCollection services,
        Action<LocalDurableOptions> configure, Action<DurableTaskRegistry> registerTasks)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(registerTasks);
        if (services.Any(d => d.ServiceType == typeof(LocalDurableEngine)))
        {
            throw new InvalidOperationException("AddLocalDurableTask was already called: the in-process sidecar serves one worker per host.");
        }

        var options = new LocalDurableOptions();
        configure(options);
        options.Validate();
        options = options.Clone();

        services.AddSingleton(sp => new LocalDurableEngine(options, sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<LocalDurableSidecarService>();

        var worker = services.AddDurableTaskWorker();
        worker.AddTasks(registerTasks);
        worker.UseGrpc(_ => { });
        worker.Configure(o =>
        {
            o.Concurrency.MaximumConcurrentActivityWorkItems = options.MaxConcurrentActivities;
            o.Concurrency.MaximumConcurrentOrchestrationWorkItems = options.MaxConcurrentOrchestrations;
        });
        services.AddOptions<GrpcDurableTaskWorkerOptions>(worker.Name)
            .Configure<LocalDurableEngine>((o, engine) => o.Channel = engine.WorkerChannel);

        var client = services.AddDurableTaskClient();
        client.UseGrpc(_ => { });
        client.RegisterDirectly();
        services.AddOptions<GrpcDurableTaskClientOptions>(client.Name)
            .Configure<LocalDurableEngine>((o, engine) => o.Channel = engine.ClientChannel);

        services.AddHostedService<LocalDurableReadinessService>();
        return services;
    }
}
