/** Shows the engine's current question, one at a time. */
import { renderCode } from './ServiceBanner';
import { useRun } from '../stores/runStore';
import { HostKeyDialog } from './HostKeyDialog';
import { SecretDialog } from './SecretDialog';

export function PromptHost() {
  const prompt = useRun((s) => s.prompts[0]);
  const promptError = useRun((s) => s.promptError);
  return (
    <>
      {prompt?.kind === 'hostkey' && <HostKeyDialog key={prompt.promptId} prompt={prompt} />}
      {prompt?.kind === 'secret' && <SecretDialog key={prompt.promptId} prompt={prompt} />}
      {promptError && (
        <p className="banner banner-error" role="alert">
          {renderCode(promptError)}
        </p>
      )}
    </>
  );
}
