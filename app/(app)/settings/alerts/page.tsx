import type { Metadata } from 'next';
import { AlertSettings } from '@/components/alerts/alert-settings';
import { PageHeader } from '@/components/ui/page';

export const metadata: Metadata = { title: 'Alerts' };

export default function AlertsSettingsPage() {
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Where entries, stops, re-entries, denials, broker errors and kills of your deployments are sent."
      />
      <AlertSettings />
    </>
  );
}
