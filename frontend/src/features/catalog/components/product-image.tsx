import { useState } from 'react';

import { cn } from '@/components/ui/cn';

/** The product's picture, or its initials on a tinted tile when there is none (or it fails to load). */
export function ProductImage({ src, name, alt = '', className }: { src: string; name: string; alt?: string; className?: string }) {
  const [failed, setFailed] = useState(false);
  if (!src || failed) {
    const initials = name
      .split(/\s+/)
      .slice(0, 2)
      .map((word) => word[0]?.toUpperCase() ?? '')
      .join('');
    return (
      <div
        role={alt ? 'img' : undefined}
        aria-label={alt || undefined}
        aria-hidden={alt ? undefined : true}
        className={cn('flex items-center justify-center bg-stone-200 text-3xl font-semibold text-stone-500', className)}
      >
        {initials}
      </div>
    );
  }
  return <img src={src} alt={alt} loading="lazy" onError={() => setFailed(true)} className={cn('object-cover', className)} />;
}
