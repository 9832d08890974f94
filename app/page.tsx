import { redirect } from 'next/navigation';

// The protected layout sends signed-out visitors on to the sign-in page.
export default function Home() {
  redirect('/strategies');
}
