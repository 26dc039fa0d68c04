import Header from '@cloudscape-design/components/header';
import type { PageProps } from '../app';

export default function Page(_props: PageProps & { id?: string }) {
  return <Header variant="h1">groups</Header>;
}
