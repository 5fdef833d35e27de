using System.Threading;
using System.Threading.Tasks;

namespace AtasSignalStrategy.Core
{
    /// <summary>Turns an accepted signal into orders (the ATAS strategy) or into a record (tests).</summary>
    public interface ISignalExecutor
    {
        /// <summary>
        /// Null when orders may be sent now; else why not (history still loading, strategy
        /// stopping). Signals are then left untouched and looked at again on the next pass.
        /// </summary>
        string NotReadyReason();

        /// <summary>Called at most once per signal, after it was claimed in the dedupe store.</summary>
        Task<ExecutionResult> ExecuteAsync(SignalDto signal, CancellationToken ct);
    }
}
