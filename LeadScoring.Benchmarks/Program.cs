using BenchmarkDotNet.Running;
using LeadScoring.Benchmarks;
using LeadScoring.Benchmarks.ApiBudget;
using LeadScoring.Benchmarks.LeadList;
using LeadScoring.Benchmarks.Pipeline;

// `--account` prints the allocation account of one Score call; `--pipeline` runs the end-to-end load harness and
// `--api-budget` the HubSpot API budget harness (both Azurite + emulator + host process); `--lead-list` fills the lead
// index with 100,000 scored leads on Azurite and times the dashboard's list reads; anything else goes to BenchmarkDotNet.
if (args is ["--account", ..])
{
    AllocationAccount.Run(Console.Out);
    return 0;
}

if (args is ["--pipeline", ..])
{
    return await PipelineBenchmark.RunAsync(args[1..], Console.Out);
}

if (args is ["--api-budget", ..])
{
    return await ApiBudgetBenchmark.RunAsync(args[1..], Console.Out);
}

if (args is ["--lead-list", ..])
{
    return await LeadListBenchmark.RunAsync(args[1..], Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
