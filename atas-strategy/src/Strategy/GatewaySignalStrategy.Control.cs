using System;
using System.Threading;
using System.Threading.Tasks;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy
{
    /// <summary>
    /// The gateway's kill switch, read by poll (every housekeeping tick) and push (SSE "control"
    /// events): paused, no entries; flatten, no entries and the position closed by the same code as
    /// a close request, so the stop stays until the position is confirmed flat.
    /// </summary>
    public partial class GatewaySignalStrategy
    {
        // The last state heard; null until the first answer (a gateway without the switch stays null).
        private volatile ControlStateDto _control;

        /// <summary>Why no entry may be made now, or null.</summary>
        private string KillSwitchReason()
        {
            var control = _control;
            if (control == null || control.AllowsEntries) return null;
            return "trading is " + control.Trading + " by the gateway's kill switch (" + control + ")";
        }

        private async Task PollControlAsync(CancellationToken ct)
        {
            var control = await _client.GetControlAsync(ct).ConfigureAwait(false);
            if (control != null) await ApplyControlAsync(control, ct).ConfigureAwait(false);
        }

        /// <summary>From the push stream: not awaited there, since a flatten waits for the trade gate and the stream must keep being read.</summary>
        private void StartApplyControl(ControlStateDto control, CancellationToken ct)
        {
            Task.Run(async () =>
            {
                try
                {
                    await ApplyControlAsync(control, ct).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    if (!ct.IsCancellationRequested) NotifyTrader(NoticeLevel.Warning, "control", "Applying the kill switch failed (the next poll tries again): " + ex.Message);
                }
            });
        }

        private async Task ApplyControlAsync(ControlStateDto control, CancellationToken ct)
        {
            var previous = _control;
            _control = control;
            if (previous == null ? !control.AllowsEntries : previous.Trading != control.Trading)
                NotifyTrader(control.AllowsEntries ? NoticeLevel.Info : NoticeLevel.Warning, "control:" + control.Trading,
                    control.AllowsEntries ? "Kill switch: trading enabled again (" + control + ")." : "Kill switch: " + control + ". No new entries"
                        + (control.WantsFlat ? "; the position is being closed, its stop stays until flat." : "."));
            if (control.WantsFlat) await FlattenForKillSwitchAsync(control, ct).ConfigureAwait(false);
        }

        /// <summary>Runs on every tick while "flatten" holds: a close that was refused or not confirmed is tried again.</summary>
        private async Task FlattenForKillSwitchAsync(ControlStateDto control, CancellationToken ct)
        {
            if (!_run.AutoTrade || CurrentPosition == 0) return;
            // After any entry sequence in flight: its position then exists and is closed here.
            await _tradeGate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                if (_stopping || !_control.WantsFlat) return;
                await FlattenLockedAsync("kill switch flatten (" + control + ")", ct).ConfigureAwait(false);
            }
            finally
            {
                _tradeGate.Release();
            }
        }
    }
}
