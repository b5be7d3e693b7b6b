using System.Net;
using System.Net.Sockets;
using DurableTask.AzureStorage;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace LeadScoring.LocalHost.Durable;

/// <summary>
/// What the local durable engine's parts share (one per DI container): the Azure Storage backend behind the
/// sidecar-compatibility wrapper, the sidecar's loopback address, and one gRPC channel each for the worker and the
/// client (separate, so the worker's long-lived work-item stream and client calls never share a connection's fate).
/// </summary>
internal sealed class LocalDurableEngine : IDisposable
{
    private readonly TaskCompletionSource _workerConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly AzureStorageOrchestrationService _storage;

    public LocalDurableEngine(LocalDurableOptions options, ILoggerFactory loggerFactory)
    {
        Options = options;
        _storage = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(options.StorageConnectionString),
            TaskHubName = options.TaskHubName,
            PartitionCount = options.PartitionCount,
            WorkItemQueueVisibilityTimeout = options.WorkItemVisibilityTimeout,
            ControlQueueVisibilityTimeout = options.WorkItemVisibilityTimeout,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestrations,

            // The sidecar never renews message visibility: a small prefetch keeps buffered control-queue messages from
            // outliving their visibility under a backlog (and being fetched twice). DTFx's default is 256.
            ControlQueueBufferThreshold = 32,
            LoggerFactory = loggerFactory,
        });
        Backend = new SidecarCompatibleOrchestrationService(_storage, _storage, options.RepairSidecarEvents);
        Port = options.SidecarPort != 0 ? options.SidecarPort : FreeLoopbackPort();
        Address = new Uri($"http://127.0.0.1:{Port}");
        WorkerChannel = GrpcChannel.ForAddress(Address);
        ClientChannel = GrpcChannel.ForAddress(Address);
    }

    public LocalDurableOptions Options { get; }

    public SidecarCompatibleOrchestrationService Backend { get; }

    public int Port { get; }

    public Uri Address { get; }

    public GrpcChannel WorkerChannel { get; }

    public GrpcChannel ClientChannel { get; }

    /// <summary>Completes when the worker has opened its work-item stream on the sidecar.</summary>
    public Task WorkerConnected => _workerConnected.Task;

    public void OnWorkerConnected() => _workerConnected.TrySetResult();

    public void Dispose()
    {
        WorkerChannel.Dispose();
        ClientChannel.Dispose();
        _storage.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
