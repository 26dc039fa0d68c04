import Alert from '@cloudscape-design/components/alert';
import { Component, type ReactNode } from 'react';

/** One page's rendering failure shows as an alert on that page, not as a blank console. */
export class PageErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  render() {
    if (this.state.error) {
      return (
        <Alert type="error" header="This page could not be shown">
          {this.state.error.message}
        </Alert>
      );
    }
    return this.props.children;
  }
}
