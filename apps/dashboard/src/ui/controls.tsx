import { useState } from 'preact/hooks';
import { formatTime } from '../logic/format';
import { tradingLabel } from '../logic/system';
import type { ControlState } from '../logic/types';
import { getApiKey, setApiKey } from './api';

interface Props {
  control: ControlState | undefined;
  onAction: (action: 'pause' | 'resume' | 'flatten') => void;
}

/** The kill switch and the API key it needs when the gateway has one. */
export function Controls({ control, onAction }: Props) {
  const [key, setKey] = useState(getApiKey());
  const t = control?.trading ?? 'enabled';
  return (
    <div class="controls">
      <span class={`trading ${t}`} data-testid="trading-state" title={control ? `since ${control.since} by ${control.by}` : undefined}>
        {control ? tradingLabel(t) : '…'}
        {control && t !== 'enabled' ? <small> {formatTime(control.since)} · {control.by}</small> : null}
      </span>
      {t === 'enabled' ? (
        <button class="btn warn" data-testid="pause" onClick={() => onAction('pause')}>
          Pause
        </button>
      ) : (
        <button class="btn ok" data-testid="resume" onClick={() => onAction('resume')}>
          Resume
        </button>
      )}
      <button
        class="btn danger"
        data-testid="flatten"
        onClick={() => {
          if (confirm('Flatten all: pause entries and close every open position?')) onAction('flatten');
        }}
      >
        Flatten all
      </button>
      <input
        class="apikey"
        type="password"
        placeholder="API key"
        value={key}
        onInput={(e) => setKey((e.target as HTMLInputElement).value)}
        onChange={() => {
          setApiKey(key.trim());
          location.reload();
        }}
      />
    </div>
  );
}
