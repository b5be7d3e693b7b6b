using BenchmarkDotNet.Running;
using LeadScoring.Benchmarks;

// `--account` prints the allocation account of one Score call; anything else goes to BenchmarkDotNet.
if (args is ["--account", ..])
{
    AllocationAccount.Run(Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
