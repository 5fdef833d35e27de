using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy.Tests
{
    /// <summary>Stands in for the ATAS order code: records each execution, returns a chosen result.</summary>
    public sealed class RecordingExecutor : ISignalExecutor
    {
        public readonly ConcurrentQueue<SignalDto> Executed = new ConcurrentQueue<SignalDto>();
        public string NotReady;
        public ExecutionKind Result = ExecutionKind.Filled;

        public string NotReadyReason() { return NotReady; }

        public Task<ExecutionResult> ExecuteAsync(SignalDto signal, CancellationToken ct)
        {
            Executed.Enqueue(signal);
            switch (Result)
            {
                case ExecutionKind.AlertOnly: return Task.FromResult(ExecutionResult.AlertOnly("alert"));
                case ExecutionKind.Skipped: return Task.FromResult(ExecutionResult.Skipped("position open"));
                case ExecutionKind.Failed: return Task.FromResult(ExecutionResult.Failed("rejected"));
                default: return Task.FromResult(ExecutionResult.Filled("filled"));
            }
        }
    }
}
